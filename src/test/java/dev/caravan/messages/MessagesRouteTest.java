package dev.caravan.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

/**
 * POST /v1/messages and /v1/messages/count_tokens through the real routes against a stub speaking Anthropic's and
 * OpenAI's wire formats: Anthropic's error envelope and statuses (401, 400, 403, 404, 429, 529), failover before the
 * first stream event (across an Anthropic and an OpenAI deployment), an error event after it, the cost header,
 * the ledger row (endpoint messages), both ways of sending the gateway key, and count_tokens.
 */
class MessagesRouteTest extends MoneyTestSupport {

    static final String HELLO = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static final String ANTHROPIC_REPLY = """
            {"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":1000,"output_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}""";

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        Files.writeString(dir.resolve("routes/routing.camel.yaml"),
                RouteYaml.deployment("m-claude", "anthropic", "claude-sonnet-4-5", "")
                + RouteYaml.deployment("m-gpt", "openai", "gpt-4o-mini", "")
                + RouteYaml.chain("messages", RouteYaml.FAILOVER, "m-claude", "m-gpt")
                + RouteYaml.routeChatWhen(
                        "${header.CaravanEndpoint} == 'messages' && ${header.CaravanModelAsked} == 'caravan/code'",
                        "to: direct:chain.messages"));
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    HttpResponse<String> messages(String path, String key, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("x-api-key", key)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    HttpResponse<String> messages(String key, String body) {
        return messages("/v1/messages", key, body);
    }

    static void anthropicError(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode b = json(r.body());
        assertThat(b.get("type").asText()).isEqualTo("error");
        assertThat(b.at("/error/type").asText()).isEqualTo(type);
        assertThat(b.at("/error/message").asText()).isNotBlank();
        assertThat(b.has("param")).isFalse();
    }

    @Test
    void aBadKeyInXApiKeyIs401AuthenticationError() {
        HttpResponse<String> r = messages("sk-cvn-wrong", HELLO);
        anthropicError(r, 401, "authentication_error");
        anthropicError(messages("/v1/messages/count_tokens", "sk-cvn-wrong", HELLO), 401, "authentication_error");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void theGatewayKeyIsAlsoAcceptedAsBearer() {
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 2, 0, 0)));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/messages")).header("authorization",
                "Bearer " + KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HELLO)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body()).get("type").asText()).isEqualTo("message");
    }

    @Test
    void missingMaxTokensAndOtherMalformedRequestsAre400NamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "max_tokens",
                "{\"max_tokens\":5,\"messages\":[]}", "model",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":5}", "messages",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"x\"}]}", "messages[0].role",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"video\"}]}]}", "messages[0].content[0].type",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":\"5\",\"messages\":[]}", "max_tokens",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":5,\"messages\":[],\"tools\":[{\"name\":\"t\"}]}",
                "tools[0].input_schema",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"tool_result\",\"tool_use_id\":\"x\"},{\"type\":\"text\"}]}]}",
                "messages[0].content[1].text");
        cases.forEach((body, field) -> {
            HttpResponse<String> r = messages(KEY, body);
            anthropicError(r, 400, "invalid_request_error");
            assertThat(json(r.body()).at("/error/message").asText()).as(body).startsWith(field + ":");
        });
        anthropicError(messages(KEY, "{not json"), 400, "invalid_request_error");
        HttpResponse<String> server = messages(KEY, "{\"model\":\"openai/gpt-4o\",\"max_tokens\":5,\"messages\":[],"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}");
        anthropicError(server, 400, "invalid_request_error");
        assertThat(json(server.body()).at("/error/message").asText()).contains("anthropic/*");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aModelOutsideTheKeysScopeIs403AndAnUnknownProviderIs404() {
        NewKey k = createKey("{\"tenant\":\"msg-scope\",\"models\":[\"openai/*\"]}");
        anthropicError(messages(k.secret(), HELLO.replace("openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5")),
                403, "permission_error");
        anthropicError(messages("/v1/messages/count_tokens", k.secret(), HELLO.replace("openai/gpt-4o-mini",
                "anthropic/claude-sonnet-4-5")), 403, "permission_error");
        anthropicError(messages(KEY, HELLO.replace("openai/", "nosuch/")), 404, "not_found_error");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void theKeysRequestsPerMinuteLimitIs429RateLimitError() {
        NewKey k = createKey("{\"tenant\":\"msg-rpm\",\"rpm\":1}");
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 2, 0, 0)));
        assertThat(messages(k.secret(), HELLO).statusCode()).isEqualTo(200);
        HttpResponse<String> r = messages(k.secret(), HELLO);
        anthropicError(r, 429, "rate_limit_error");
        assertThat(r.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void anUpstream429IsRateLimitErrorAndAnOverloadedUpstreamIs529() {
        stub.always((req, reply) -> reply.json(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
                "retry-after", "7"));
        anthropicError(messages(KEY, HELLO.replace("openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5")), 429,
                "rate_limit_error");
        stub.reset();
        stub.always((req, reply) -> reply.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}"));
        anthropicError(messages(KEY, HELLO.replace("openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5")), 529,
                "overloaded_error");
        stub.reset();
        stub.always((req, reply) -> reply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        anthropicError(messages(KEY, HELLO), 529, "overloaded_error");
        HttpResponse<String> chain = messages(KEY, HELLO.replace("openai/gpt-4o-mini", "caravan/code"));
        anthropicError(chain, 529, "overloaded_error");
        assertThat(chain.headers().firstValue("x-caravan-attempts").orElseThrow()).contains("m-claude=", "m-gpt=");
    }

    @Test
    void nonStreamCostHeaderAndLedgerRowWithEndpointMessages() {
        NewKey k = createKey("{\"tenant\":\"msg-ledger\"}");
        stub.always((req, reply) -> reply.json(200, ANTHROPIC_REPLY));
        HttpResponse<String> r = messages(k.secret(), HELLO.replace("openai/gpt-4o-mini",
                "anthropic/claude-sonnet-4-5"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // claude-sonnet-4-5: 1000 x 3 + 100 x 15 USD per million
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("0.0045");
        assertThat(json(r.body()).at("/content/0/text").asText()).isEqualTo("Hello!");
        await().atMost(10, TimeUnit.SECONDS).until(() -> rows(k.id()).size() == 1);
        Map<String, Object> row = rows(k.id()).get(0);
        assertThat(row.get("endpoint")).isEqualTo("messages");
        assertThat(row.get("prompt_tokens")).isEqualTo(1000L);
        assertThat(row.get("completion_tokens")).isEqualTo(100L);
        assertThat(decimal(row.get("cost_usd"))).isEqualByComparingTo("0.0045");
        assertThat(row.get("model_requested")).isEqualTo("anthropic/claude-sonnet-4-5");
        HttpResponse<String> metrics = adminGet("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body().lines().filter(l -> l.contains("endpoint=\"messages\"")
                && l.contains("provider=\"anthropic\"")).toList()).isNotEmpty();
    }

    @Test
    void aStreamIsMeteredAndLedgeredWithEndpointMessages() {
        NewKey k = createKey("{\"tenant\":\"msg-stream\"}");
        Path dir = Path.of("src/test/resources/fixtures/messages/openai-tool-use-stream");
        stub.always((req, reply) -> reply.sse(dev.caravan.testing.FixtureReplay.events(Fixtures.text(dir,
                "upstream-response.sse")), 0));
        HttpResponse<String> r = messages(k.secret(), Fixtures.text(dir, "request.json"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        List<Fixtures.Ev> events = Fixtures.events(r.body());
        // gpt-4o: 60 x 2.5 + 40 x 10 USD per million
        assertThat(events.get(events.size() - 2).data().at("/usage/cost").decimalValue())
                .isEqualByComparingTo("0.00055");
        await().atMost(10, TimeUnit.SECONDS).until(() -> rows(k.id()).size() == 1);
        Map<String, Object> row = rows(k.id()).get(0);
        assertThat(row.get("endpoint")).isEqualTo("messages");
        assertThat(row.get("prompt_tokens")).isEqualTo(60L);
        assertThat(row.get("completion_tokens")).isEqualTo(40L);
        assertThat(row.get("stream")).isIn(true, Boolean.TRUE, 1);
    }

    @Test
    void aStreamFailsOverBeforeItsFirstEventFromAnthropicToOpenAi() {
        stub.always((req, reply) -> {
            if (req.path().startsWith("/anthropic/")) {
                reply.sse(List.of(StubUpstream.event("error", "{\"type\":\"error\",\"error\":{\"type\":"
                        + "\"overloaded_error\",\"message\":\"Overloaded\"}}")), 0);
            } else {
                reply.sse(dev.caravan.testing.FixtureReplay.events(Fixtures.text(
                        Path.of("src/test/resources/fixtures/messages/openai-text-stream"), "upstream-response.sse")),
                        0);
            }
        });
        HttpResponse<String> r = messages(KEY, "{\"model\":\"caravan/code\",\"max_tokens\":5,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to ten.\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-deployment")).hasValue("m-gpt");
        assertThat(stub.requests()).extracting(StubUpstream.Recorded::path).containsExactly("/anthropic/v1/messages",
                "/openai/chat/completions");
        // the Anthropic upstream got the client's body natively, the OpenAI one its translation
        assertThat(json(stub.requests().get(0).body()).get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(json(stub.requests().get(1).body()).at("/messages/0/content").asText()).isEqualTo(
                "Count to ten.");
        List<Fixtures.Ev> events = Fixtures.events(r.body());
        assertThat(events).extracting(Fixtures.Ev::event).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(r.body()).doesNotContain("overloaded_error");
    }

    @Test
    void aStreamAnswered529BeforeAnyEventFailsOverToo() {
        stub.always((req, reply) -> {
            if (req.path().startsWith("/anthropic/")) {
                reply.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                        + "\"Overloaded\"}}");
            } else {
                reply.sse(dev.caravan.testing.FixtureReplay.events(Fixtures.text(
                        Path.of("src/test/resources/fixtures/messages/openai-text-stream"), "upstream-response.sse")),
                        0);
            }
        });
        HttpResponse<String> r = messages(KEY, "{\"model\":\"caravan/code\",\"max_tokens\":5,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to ten.\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).contains("m-claude=", "m-gpt=");
        assertThat(Fixtures.events(r.body())).extracting(Fixtures.Ev::event).endsWith("message_delta",
                "message_stop");
    }

    @Test
    void aFailureAfterTheFirstEventEndsTheStreamWithAnErrorEvent() {
        stub.always((req, reply) -> {
            reply.startStream(200);
            reply.chunk(StubUpstream.data("{\"id\":\"chatcmpl-X\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"Hel\"},\"finish_reason\":null}]}"));
            Thread.sleep(50);
            reply.reset();
        });
        HttpResponse<String> r = messages(KEY, HELLO.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""));
        assertThat(r.statusCode()).isEqualTo(200);
        List<Fixtures.Ev> events = Fixtures.events(r.body());
        assertThat(events.get(0).event()).isEqualTo("message_start");
        assertThat(events).extracting(Fixtures.Ev::event).contains("content_block_delta").doesNotContain(
                "message_stop");
        Fixtures.Ev last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("error");
        assertThat(last.data().get("type").asText()).isEqualTo("error");
        assertThat(last.data().at("/error/type").asText()).isEqualTo("api_error");
        assertThat(last.data().at("/error/message").asText()).isNotBlank();
    }

    @Test
    void aNativeStreamsErrorEventAfterTheFirstEventIsForwardedOnce() {
        stub.always((req, reply) -> reply.sse(List.of(
                StubUpstream.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                        + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}"),
                StubUpstream.event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Overloaded\"}}")), 0));
        HttpResponse<String> r = messages(KEY, "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":5,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<Fixtures.Ev> events = Fixtures.events(r.body());
        assertThat(events).extracting(Fixtures.Ev::event).containsExactly("message_start", "error");
        assertThat(events.get(1).data().at("/error/type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void anIdenticalRequestIsAnsweredFromTheCacheInAnthropicsShape() {
        NewKey k = createKey("{\"tenant\":\"msg-cache\",\"cache\":true}");
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 2, 0, 0)));
        HttpResponse<String> first = messages(k.secret(), HELLO);
        HttpResponse<String> second = messages(k.secret(), HELLO);
        assertThat(first.headers().firstValue("x-caravan-cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("HIT");
        assertThat(stub.requests()).hasSize(1);
        JsonNode cached = json(second.body());
        assertThat(cached.get("type").asText()).isEqualTo("message");
        assertThat(cached.get("content")).isEqualTo(json(first.body()).get("content"));
        assertThat(second.headers().firstValue("x-caravan-cost-usd")).hasValue("0");
        // the same conversation through the chat API is another answer (another client API)
        HttpResponse<String> chat = chatAs(k.secret(), ask("openai/gpt-4o-mini"));
        assertThat(chat.headers().firstValue("x-caravan-cache")).hasValue("MISS");
    }

    @Test
    void countTokensAsksAnthropicForAnthropicModels() {
        NewKey k = createKey("{\"tenant\":\"msg-count\"}");
        stub.always((req, reply) -> reply.json(200, "{\"input_tokens\":2095}"));
        HttpResponse<String> r = messages("/v1/messages/count_tokens", k.secret(), "{\"model\":\"anthropic/"
                + "claude-sonnet-4-5\",\"max_tokens\":10,\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", "anthropic-beta", "token-counting-2024-11-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body())).isEqualTo(json("{\"input_tokens\":2095}"));
        assertThat(r.headers().firstValue("x-caravan-estimate")).isEmpty();
        StubUpstream.Recorded up = stub.lastRequest();
        assertThat(up.path()).isEqualTo("/anthropic/v1/messages/count_tokens");
        assertThat(up.header("x-api-key")).isEqualTo(PROVIDER_KEY);
        assertThat(up.header("anthropic-beta")).isEqualTo("token-counting-2024-11-01");
        assertThat(json(up.body())).isEqualTo(json("{\"model\":\"claude-sonnet-4-5\",\"system\":\"Be brief.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        // counted in the request metrics like every call, but not billed: the next (billed) call's row is the
        // key's only one
        assertThat(adminGet("/metrics").body().lines().filter(l -> l.startsWith("caravan_requests_total")
                && l.contains("endpoint=\"count_tokens\"") && l.contains("outcome=\"ok\"")
                && !l.endsWith(" 0.0")).toList()).isNotEmpty();
        stub.always((req, reply) -> reply.json(200, ANTHROPIC_REPLY));
        assertThat(messages(k.secret(), HELLO.replace("openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"))
                .statusCode()).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !rows(k.id()).isEmpty());
        assertThat(rows(k.id())).extracting(row -> row.get("endpoint")).containsExactly("messages");
    }

    @Test
    void countTokensEstimatesForOtherModelsWithoutAnyUpstreamCall() {
        String small = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String big = small.replace("\"hi\"", "\"" + "word ".repeat(300) + "\"");
        HttpResponse<String> a = messages("/v1/messages/count_tokens", KEY, small);
        HttpResponse<String> b = messages("/v1/messages/count_tokens", KEY, big);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        assertThat(a.headers().firstValue("x-caravan-estimate")).hasValue("true");
        long na = json(a.body()).get("input_tokens").asLong();
        long nb = json(b.body()).get("input_tokens").asLong();
        assertThat(na).isPositive();
        // 1,500 characters at three per token, on top of the small request's count
        assertThat(nb - na).isBetween(450L, 550L);
        assertThat(stub.requests()).isEmpty();
    }

    List<Map<String, Object>> rows(String keyId) {
        return ledger().stream().filter(r -> keyId.equals(r.get("key_id"))).toList();
    }
}
