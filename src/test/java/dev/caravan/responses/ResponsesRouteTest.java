package dev.caravan.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.caravan.api.Json;
import dev.caravan.money.MoneyTestSupport;
import dev.caravan.testing.StubUpstream;

/**
 * POST /v1/responses and GET/DELETE /v1/responses/{id} through the real routes against a stub speaking OpenAI's
 * Responses API, Anthropic's Messages API and Gemini's generateContent: the recorded cases (fixtures/responses),
 * storage and previous_response_id across providers, ownership, refusals, money and error mapping.
 */
class ResponsesRouteTest extends MoneyTestSupport {

    @BeforeEach
    void clear() {
        stub.reset();
    }

    HttpResponse<String> call(String key, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(20));
        if (body != null) {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(b.build());
    }

    HttpResponse<String> create(String body) {
        return call(KEY, "POST", "/v1/responses", body);
    }

    void reply(String c) {
        if (ResponsesFixtures.exists(c, "upstream-response.sse")) {
            List<String> events = ResponsesFixtures.events(ResponsesFixtures.read(c, "upstream-response.sse"));
            stub.always((req, r) -> r.sse(events, 5));
        } else {
            String body = ResponsesFixtures.read(c, "upstream-response.json");
            stub.always((req, r) -> r.json(200, body));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-native-text", "openai-native-text-stream", "openai-native-function-call-stream", "anthropic-text",
            "anthropic-function-call-stream", "gemini-text-stream", "gemini-function-call-output"})
    void recordedCases(String c) throws IOException {
        reply(c);
        HttpResponse<String> r = create(ResponsesFixtures.read(c, "request.json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String sent = stub.lastRequest().body();
        if (!ResponsesFixtures.record(c, "upstream-request.json",
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(sent)) + "\n")) {
            assertThat(json(sent)).isEqualTo(json(ResponsesFixtures.read(c, "upstream-request.json")));
        }
        ResponsesFixtures f = new ResponsesFixtures();
        boolean sse = json(ResponsesFixtures.read(c, "request.json")).path("stream").asBoolean();
        if (sse) {
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            if (!ResponsesFixtures.record(c, "expected.sse", r.body())) {
                String expected = ResponsesFixtures.read(c, "expected.sse");
                if (c.startsWith("openai-native")) {
                    assertThat(r.body()).as("native streams are forwarded verbatim").isEqualTo(expected);
                }
                assertThat(f.normalizeSse(r.body())).isEqualTo(new ResponsesFixtures().normalizeSse(expected));
            }
            assertSequenceNumbers(r.body());
        } else if (!ResponsesFixtures.record(c, "expected.json",
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(r.body())) + "\n")) {
            assertThat(f.normalize(json(r.body()))).isEqualTo(new ResponsesFixtures().normalize(json(
                    ResponsesFixtures.read(c, "expected.json"))));
        }
    }

    static void assertSequenceNumbers(String sse) {
        int i = 0;
        for (String e : ResponsesFixtures.events(sse)) {
            String data = e.substring(e.indexOf("data: ") + 6).trim();
            assertThat(json(data).path("sequence_number").asInt(-1)).as(e).isEqualTo(i++);
        }
        assertThat(i).isGreaterThan(2);
    }

    static final String ANTHROPIC_HI = """
            {"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"Hello again."}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":40,"output_tokens":4}}""";

    @Test
    void aStoredResponseContinuesOnAnotherProviderAndCanBeReadAndDeleted() {
        reply("openai-native-text");
        HttpResponse<String> first = create("""
                {"model":"openai/gpt-4o-mini","input":"What is the capital of France?"}""");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        // upstream never stores: Caravan does
        assertThat(json(stub.lastRequest().body()).path("store").asBoolean(true)).isFalse();
        JsonNode firstBody = json(first.body());
        assertThat(firstBody.path("store").asBoolean()).isTrue();
        String id = firstBody.path("id").asText();

        HttpResponse<String> got = call(KEY, "GET", "/v1/responses/" + id, null);
        assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
        assertThat(json(got.body()).path("output")).isEqualTo(firstBody.path("output"));
        HttpResponse<String> items = call(KEY, "GET", "/v1/responses/" + id + "/input_items", null);
        assertThat(items.statusCode()).as(items.body()).isEqualTo(200);
        assertThat(json(items.body()).path("object").asText()).isEqualTo("list");
        assertThat(json(items.body()).at("/data/0/content/0/text").asText()).isEqualTo("What is the capital of France?");

        stub.always((req, r) -> r.json(200, ANTHROPIC_HI));
        HttpResponse<String> second = create("""
                {"model":"anthropic/claude-sonnet-4-5","previous_response_id":"%s","input":"And of Italy?"}"""
                .formatted(id));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode upstream = json(stub.lastRequest().body());
        assertThat(stub.lastRequest().path()).endsWith("/v1/messages");
        assertThat(upstream.path("messages").toString()).contains("What is the capital of France?")
                .contains("The capital of France is Paris.").contains("And of Italy?");
        assertThat(upstream.path("messages").size()).isEqualTo(3);
        JsonNode secondBody = json(second.body());
        assertThat(secondBody.path("previous_response_id").asText()).isEqualTo(id);
        assertThat(secondBody.at("/output/0/content/0/text").asText()).isEqualTo("Hello again.");

        // and back to the native provider: the stored conversation replaces previous_response_id upstream
        reply("openai-native-text");
        HttpResponse<String> third = create("""
                {"model":"openai/gpt-4o-mini","previous_response_id":"%s","input":"And of Spain?"}"""
                .formatted(secondBody.path("id").asText()));
        assertThat(third.statusCode()).as(third.body()).isEqualTo(200);
        JsonNode nativeUp = json(stub.lastRequest().body());
        assertThat(nativeUp.has("previous_response_id")).isFalse();
        assertThat(nativeUp.path("store").asBoolean(true)).isFalse();
        assertThat(nativeUp.path("input").size()).isEqualTo(5);
        assertThat(nativeUp.path("input").toString()).contains("And of Italy?").contains("Hello again.")
                .contains("And of Spain?").doesNotContain("\"id\"");
        assertThat(json(third.body()).path("previous_response_id").asText()).isEqualTo(secondBody.path("id").asText());

        HttpResponse<String> del = call(KEY, "DELETE", "/v1/responses/" + id, null);
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        assertThat(json(del.body())).isEqualTo(json("{\"id\":\"" + id
                + "\",\"object\":\"response.deleted\",\"deleted\":true}"));
        HttpResponse<String> gone = call(KEY, "GET", "/v1/responses/" + id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone.body()).at("/error/message").asText()).contains(id);
        assertThat(call(KEY, "DELETE", "/v1/responses/" + id, null).statusCode()).isEqualTo(404);
        // reading and deleting are calls like the others: counted in the request metrics (and access-logged)
        assertThat(adminGet("/metrics").body().lines().filter(l -> l.startsWith("caravan_requests_total")
                && l.contains("endpoint=\"response\"") && l.contains("outcome=\"ok\"")
                && !l.endsWith(" 0.0")).toList()).isNotEmpty();
        // the second response is written to the database (not only held in memory)
        String secondId = secondBody.path("id").asText();
        await().atMost(10, TimeUnit.SECONDS).until(() -> rowExists(secondId));
    }

    boolean rowExists(String id) throws Exception {
        try (var c = database().connection();
                var ps = c.prepareStatement("SELECT COUNT(*) FROM caravan_responses WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    @Test
    void anotherKeyGets404AndCannotContinueTheConversation() {
        stub.always((req, r) -> r.json(200, ANTHROPIC_HI));
        HttpResponse<String> first = create("{\"model\":\"anthropic/claude-sonnet-4-5\",\"input\":\"hi\"}");
        String id = json(first.body()).path("id").asText();
        assertThat(id).startsWith("resp_");
        NewKey other = createKey("{\"name\":\"other\",\"tenant\":\"t2\"}");
        assertThat(call(other.secret(), "GET", "/v1/responses/" + id, null).statusCode()).isEqualTo(404);
        assertThat(call(other.secret(), "DELETE", "/v1/responses/" + id, null).statusCode()).isEqualTo(404);
        HttpResponse<String> cont = call(other.secret(), "POST", "/v1/responses", """
                {"model":"anthropic/claude-sonnet-4-5","previous_response_id":"%s","input":"more"}""".formatted(id));
        assertThat(cont.statusCode()).isEqualTo(400);
        assertThat(json(cont.body()).at("/error/param").asText()).isEqualTo("previous_response_id");
        // the owner still sees it
        assertThat(call(KEY, "GET", "/v1/responses/" + id, null).statusCode()).isEqualTo(200);
        assertThat(call(KEY, "GET", "/v1/responses/resp_unknown", null).statusCode()).isEqualTo(404);
    }

    @Test
    void storeFalseKeepsNothing() {
        stub.always((req, r) -> r.json(200, ANTHROPIC_HI));
        HttpResponse<String> r = create("{\"model\":\"anthropic/claude-sonnet-4-5\",\"input\":\"hi\",\"store\":false}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(call(KEY, "GET", "/v1/responses/" + json(r.body()).path("id").asText(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void builtInToolsAreRefusedOnTranslatedProvidersAndPassedToNativeOnes() {
        String body = """
                {"model":"%s","input":"news?","tools":[{"type":"web_search"}]}""";
        HttpResponse<String> r = create(body.formatted("anthropic/claude-sonnet-4-5"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/param").asText()).isEqualTo("tools[0].type");
        assertThat(json(r.body()).at("/error/message").asText()).contains("web_search").contains("anthropic");
        assertThat(stub.requests()).isEmpty();

        reply("openai-native-text");
        HttpResponse<String> ok = create(body.formatted("openai/gpt-4o-mini"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(stub.lastRequest().body()).at("/tools/0/type").asText()).isEqualTo("web_search");
    }

    @Test
    void malformedInputIsA400NamingTheField() {
        HttpResponse<String> r = create("{\"model\":\"openai/gpt-4o-mini\",\"input\":[{\"type\":\"message\","
                + "\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/param").asText()).isEqualTo("input[0].content[0].type");
        HttpResponse<String> noInput = create("{\"model\":\"openai/gpt-4o-mini\"}");
        assertThat(json(noInput.body()).at("/error/param").asText()).isEqualTo("input");
        HttpResponse<String> bg = create("{\"model\":\"openai/gpt-4o-mini\",\"input\":\"x\",\"background\":true}");
        assertThat(json(bg.body()).at("/error/param").asText()).isEqualTo("background");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void costHeaderUsageCostAndALedgerRowWithEndpointResponses() {
        long before = ledgerCount();
        reply("openai-native-text");
        HttpResponse<String> r = create("{\"model\":\"openai/gpt-4o-mini\",\"input\":\"What is the capital?\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        // gpt-4o-mini: 26 input x 0.15 + 8 output x 0.60 per million
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("0.0000087");
        assertThat(json(r.body()).at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0000087");
        awaitLedger(before + 1);
        Map<String, Object> row = ledger().get(ledger().size() - 1);
        assertThat(row.get("endpoint")).isEqualTo("responses");
        assertThat(((Number) row.get("prompt_tokens")).longValue()).isEqualTo(26);
    }

    @Test
    void upstreamErrorsMapToOpenAiErrors() {
        stub.always((req, r) -> r.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
        HttpResponse<String> r = create("{\"model\":\"openai/gpt-4o-mini\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(json(r.body()).at("/error/type").isTextual()).isTrue();
        assertThat(r.body()).doesNotContain(PROVIDER_KEY);

        stub.always((req, rep) -> rep.json(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
                "retry-after", "7"));
        HttpResponse<String> limited = create("{\"model\":\"anthropic/claude-sonnet-4-5\",\"input\":\"hi\"}");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(json(limited.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void aStreamThatBreaksAfterTheFirstEventEndsWithResponseFailed() {
        stub.always((req, r) -> {
            r.startStream(200);
            r.chunk(StubUpstream.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                    + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"));
            r.chunk(StubUpstream.event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            r.chunk(StubUpstream.event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Partial\"}}"));
            r.reset();
        });
        HttpResponse<String> r = create("{\"model\":\"anthropic/claude-sonnet-4-5\",\"input\":\"hi\",\"stream\":true}");
        List<String> events = ResponsesFixtures.events(r.body());
        assertThat(events.get(0)).startsWith("event: response.created");
        assertThat(r.body()).contains("event: response.output_text.delta").contains("Partial");
        assertThat(events.get(events.size() - 1)).startsWith("event: response.failed");
        assertThat(r.body()).doesNotContain("response.completed");
    }

    @Test
    void aNativeStreamThatFailsIsForwardedAndEndsAsAFailure() {
        String created = "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_n1\","
                + "\"object\":\"response\",\"created_at\":1,\"status\":\"in_progress\",\"model\":\"gpt-4o-mini\","
                + "\"output\":[]}}";
        String failed = "{\"type\":\"response.failed\",\"sequence_number\":1,\"response\":{\"id\":\"resp_n1\","
                + "\"object\":\"response\",\"created_at\":1,\"status\":\"failed\",\"model\":\"gpt-4o-mini\","
                + "\"output\":[],\"error\":{\"code\":\"server_error\",\"message\":\"The model failed.\"}}}";
        stub.always((req, r) -> r.sse(List.of(StubUpstream.event("response.created", created),
                StubUpstream.event("response.failed", failed)), 5));
        HttpResponse<String> r = create("{\"model\":\"openai/gpt-4o-mini\",\"input\":\"hi\",\"stream\":true}");
        List<String> events = ResponsesFixtures.events(r.body());
        assertThat(events.get(0)).isEqualTo(StubUpstream.event("response.created", created));
        assertThat(events.get(1)).isEqualTo(StubUpstream.event("response.failed", failed));
        assertThat(events.get(events.size() - 1)).startsWith("event: error").contains("The model failed.");
        assertThat(r.body()).doesNotContain("response.completed");
    }
}
