package dev.caravan.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
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
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

/**
 * POST /v1/embeddings through the real routes against a stub speaking OpenAI's and Gemini's embeddings wire
 * formats: pass-through, Gemini translation, base64, refusals, keys, money (cost, ledger, budget, TPM), failover
 * between two deployments of the routing file, the response cache, GET /v1/models.
 */
class EmbeddingsRouteTest extends MoneyTestSupport {

    static final String OPENAI_REPLY = """
            {"object":"list","data":[
              {"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,0.015797347]},
              {"object":"embedding","index":1,"embedding":[-0.012345678,0.0046796547,0.0061281445]}],
             "model":"text-embedding-3-small","usage":{"prompt_tokens":1000,"total_tokens":1000}}""";

    static final String GEMINI_REPLY = """
            {"embeddings":[{"values":[0.5,-1.0,0.25]},{"values":[0.125,0.0,-0.75]}]}""";

    static final String TWO = "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"first text\",\"second text\"]}";

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), deployment("embed-a", "openai")
                + deployment("embed-b", "azure")
                + RouteYaml.chain("embed", RouteYaml.FAILOVER, "embed-a", "embed-b")
                + RouteYaml.routeChatWhen(
                        "${header.CaravanEndpoint} == 'embeddings' && ${header.CaravanModelAsked} == 'caravan/embed'",
                        "to: direct:chain.embed"));
    }

    static String deployment(String id, String provider) {
        return RouteYaml.deployment(id, provider, "text-embedding-3-small", "");
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    HttpResponse<String> embed(String key, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/embeddings")).header("authorization", "Bearer " + key)
                .header("content-type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    @Test
    void openAiCompatibleProvidersGetTheRequestAsSentAndTheVectorsComeBackUnchanged() {
        stub.always((req, reply) -> reply.json(200, OPENAI_REPLY));
        HttpResponse<String> r = embed(KEY, "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"first text\","
                + "\"second text\"],\"encoding_format\":\"float\",\"dimensions\":3,\"user\":\"u-1\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(stub.lastRequest().path()).isEqualTo("/openai/embeddings");
        assertThat(stub.lastRequest().header("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
        assertThat(json(stub.lastRequest().body())).isEqualTo(json("{\"model\":\"text-embedding-3-small\","
                + "\"input\":[\"first text\",\"second text\"],\"encoding_format\":\"float\",\"dimensions\":3,"
                + "\"user\":\"u-1\"}"));
        JsonNode body = json(r.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(body.at("/data/0/embedding").toString()).isEqualTo("[0.0023064255,-0.009327292,0.015797347]");
        // text-embedding-3-small: 1000 tokens x 0.02 USD per million
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("0.00002");
        assertThat(body.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.00002");
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(1000);
        assertThat(r.headers().firstValue("authorization")).isEmpty();
    }

    @Test
    void azureUsesItsDeploymentPath() {
        stub.always((req, reply) -> reply.json(200, OPENAI_REPLY));
        HttpResponse<String> r = embed(KEY, "{\"model\":\"azure/my-embeddings\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(stub.lastRequest().path()).startsWith("/azure/my-embeddings/embeddings?api-version=");
        assertThat(stub.lastRequest().header("api-key")).isEqualTo(PROVIDER_KEY);
    }

    @Test
    void geminiIsTranslatedToBatchEmbedContentsAndBase64IsMadeFromItsFloats() {
        stub.always((req, reply) -> reply.json(200, GEMINI_REPLY));
        HttpResponse<String> r = embed(KEY, "{\"model\":\"gemini/gemini-embedding-001\",\"input\":[\"What is the "
                + "meaning of life?\",\"abcd\"],\"encoding_format\":\"base64\",\"dimensions\":3}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(stub.lastRequest().path()).isEqualTo("/gemini/v1beta/models/gemini-embedding-001:batchEmbedContents");
        assertThat(stub.lastRequest().header("x-goog-api-key")).isEqualTo(PROVIDER_KEY);
        JsonNode up = json(stub.lastRequest().body());
        assertThat(up.at("/requests/0/model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(up.at("/requests/1/content/parts/0/text").asText()).isEqualTo("abcd");
        assertThat(up.at("/requests/0/outputDimensionality").asInt()).isEqualTo(3);
        JsonNode body = json(r.body());
        assertThat(EmbeddingVectors.floats(body.at("/data/0/embedding").asText())).containsExactly(0.5f, -1.0f, 0.25f);
        assertThat(EmbeddingVectors.floats(body.at("/data/1/embedding").asText())).containsExactly(0.125f, 0.0f,
                -0.75f);
        // no usage from Gemini: 28/4 + 4/4 = 8 tokens estimated, priced at 0.15 USD per million, flagged
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(8);
        assertThat(body.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0000012");
        assertThat(body.at("/usage/cost_details/estimated").asBoolean()).isTrue();
    }

    @Test
    void providersWithoutEmbeddingsRefuseWith400NamingTheModelBeforeAnyUpstreamCall() {
        for (String model : List.of("groq/llama-3.3-70b-versatile", "anthropic/claude-sonnet-4-5",
                "deepseek/deepseek-chat", "xai/grok-4")) {
            HttpResponse<String> r = embed(KEY, "{\"model\":\"" + model + "\",\"input\":\"hi\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode err = json(r.body()).get("error");
            assertThat(err.get("param").asText()).isEqualTo("model");
            assertThat(err.get("message").asText()).startsWith("The model '" + model + "' does not support "
                    + "embeddings");
        }
        HttpResponse<String> tokens = embed(KEY, "{\"model\":\"gemini/gemini-embedding-001\",\"input\":[1,2,3]}");
        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(json(tokens.body()).at("/error/param").asText()).isEqualTo("input");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aBadGatewayKeyIs401BeforeAnythingElse() {
        HttpResponse<String> r = embed("sk-cvn-wrong", "not json at all");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r.body()).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void malformedRequestsAre400NamingTheParameter() {
        Map<String, String> cases = Map.of(
                "{\"model\":\"openai/text-embedding-3-small\"}", "input",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":[]}", "input",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"\"}", "input",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":{\"a\":1}}", "input",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"a\",2]}", "input[1]",
                "{\"input\":\"hi\"}", "model",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hi\",\"encoding_format\":\"int8\"}",
                "encoding_format",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hi\",\"dimensions\":0}", "dimensions",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hi\",\"dimensions\":\"3\"}", "dimensions",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":[[1,2],[]]}", "input[1]");
        cases.forEach((body, param) -> {
            HttpResponse<String> r = embed(KEY, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r.body()).at("/error/param").asText()).as(body).isEqualTo(param);
            assertThat(json(r.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        });
        StringBuilder many = new StringBuilder("{\"model\":\"openai/text-embedding-3-small\",\"input\":[");
        for (int i = 0; i <= EmbeddingsRequest.MAX_INPUTS; i++) {
            many.append(i == 0 ? "" : ",").append("\"x\"");
        }
        HttpResponse<String> r = embed(KEY, many.append("]}").toString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/message").asText()).contains("2048");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void theLedgerRecordsTheEmbeddingsCallWithItsCost() {
        NewKey k = createKey("{\"tenant\":\"embed-ledger\"}");
        stub.always((req, reply) -> reply.json(200, OPENAI_REPLY));
        HttpResponse<String> r = embed(k.secret(), TWO);
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> rows(k.id()).size() == 1);
        Map<String, Object> row = rows(k.id()).get(0);
        assertThat(row.get("endpoint")).isEqualTo("embeddings");
        assertThat(row.get("prompt_tokens")).isEqualTo(1000L);
        assertThat(row.get("completion_tokens")).isEqualTo(0L);
        assertThat(decimal(row.get("cost_usd"))).isEqualByComparingTo("0.00002");
        assertThat(row.get("status")).isEqualTo(200);
        assertThat(row.get("model_requested")).isEqualTo("openai/text-embedding-3-small");
    }

    @Test
    void aBudgetTooSmallForTheInputRefusesBeforeTheProvider() {
        NewKey k = createKey("{\"tenant\":\"embed-budget\",\"budget\":\"0.001/day\"}");
        // ~10,000 estimated tokens on text-embedding-3-large (0.13 USD per million) may cost 0.0013 > 0.001
        String big = "x".repeat(30_000);
        HttpResponse<String> r = embed(k.secret(), "{\"model\":\"openai/text-embedding-3-large\",\"input\":\"" + big
                + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void tokensPerMinuteCountTheInput() {
        NewKey k = createKey("{\"tenant\":\"embed-tpm\",\"tpm\":1000}");
        String big = "x".repeat(6_000);
        HttpResponse<String> r = embed(k.secret(), "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"" + big
                + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aDeploymentAnswering503FailsOverToTheNextOne() {
        stub.always((req, reply) -> {
            if (req.path().startsWith("/openai/")) {
                reply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
            } else {
                reply.json(200, OPENAI_REPLY);
            }
        });
        HttpResponse<String> r = embed(KEY, "{\"model\":\"caravan/embed\",\"input\":[\"a\",\"b\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-deployment")).hasValue("embed-b");
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).contains("embed-a=").contains(
                "embed-b=");
        assertThat(stub.requests()).extracting(StubUpstream.Recorded::path).containsExactly("/openai/embeddings",
                "/azure/text-embedding-3-small/embeddings?api-version=2024-10-21");
        assertThat(json(r.body()).at("/data/0/embedding").isArray()).isTrue();
    }

    @Test
    void anIdenticalRequestIsAnsweredFromTheCache() {
        NewKey k = createKey("{\"tenant\":\"embed-cache\",\"cache\":true}");
        stub.always((req, reply) -> reply.json(200, OPENAI_REPLY));
        HttpResponse<String> first = embed(k.secret(), TWO);
        HttpResponse<String> second = embed(k.secret(), TWO);
        assertThat(first.headers().firstValue("x-caravan-cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("HIT");
        assertThat(stub.requests()).hasSize(1);
        assertThat(json(second.body()).get("data")).isEqualTo(json(first.body()).get("data"));
        assertThat(second.headers().firstValue("x-caravan-cost-usd")).hasValue("0");
        HttpResponse<String> other = embed(k.secret(), TWO.replace("second", "third"));
        assertThat(other.headers().firstValue("x-caravan-cache")).hasValue("MISS");
    }

    @Test
    void modelsListsTheEmbeddingModels() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/models")).header("authorization", "Bearer "
                + KEY).GET().build());
        assertThat(r.body()).contains("\"openai/text-embedding-3-small\"", "\"gemini/gemini-embedding-001\"",
                "\"mistral/mistral-embed\"");
        // the listing is reported like every call: counted in the request metrics
        assertThat(adminGet("/metrics").body().lines().filter(l -> l.startsWith("caravan_requests_total")
                && l.contains("endpoint=\"models\"") && l.contains("outcome=\"ok\"")
                && !l.endsWith(" 0.0")).toList()).isNotEmpty();
    }

    List<Map<String, Object>> rows(String keyId) {
        return ledger().stream().filter(r -> keyId.equals(r.get("key_id"))).toList();
    }

    static BigDecimal usd(String s) {
        return new BigDecimal(s);
    }
}
