package dev.caravan.provider.vertex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.testing.FixtureReplay;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real routes against a stub that speaks Vertex AI: every fixture under fixtures/vertex goes through the gateway,
 * and the stub refuses a request whose path (project, location, publisher, method) or bearer token is wrong, or a
 * Claude body that names the model or lacks anthropic_version. Tokens come from a service-account key whose
 * token endpoint is the same stub.
 */
class VertexRouteTest extends GatewayTestSupport {

    static final Pattern PATH = Pattern.compile("/vertex/v1/projects/proj-1/locations/us-central1/publishers/"
            + "(google|anthropic)/models/([^:/]+):(generateContent|streamGenerateContent\\?alt=sse|rawPredict"
            + "|streamRawPredict|predict)");
    static final AtomicInteger TOKENS = new AtomicInteger();

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.provider.vertex.base-url", stub.baseUrl() + "/vertex",
                "caravan.provider.vertex.project", "proj-1",
                "caravan.provider.vertex.credentials-file", ServiceAccounts.keyFile(stub.baseUrl() + "/token")
                        .toString());
    }

    final FixtureReplay.Upstream vertex = new FixtureReplay.Upstream() {
        @Override
        public List<String> violations(StubUpstream.Recorded req, JsonNode body) {
            Matcher m = PATH.matcher(req.path());
            if (!m.matches()) {
                return List.of("path " + req.path());
            }
            List<String> v = new ArrayList<>();
            if (!("Bearer ya29.vertex-" + TOKENS.get()).equals(req.header("authorization"))) {
                v.add("authorization " + req.header("authorization"));
            }
            if (req.header("x-goog-api-key") != null || req.header("x-api-key") != null) {
                v.add("an API key header");
            }
            boolean claude = "anthropic".equals(m.group(1));
            if (m.group(3).equals("predict") && (claude || !body.path("instances").isArray())) {
                v.add("predict takes publisher google and instances");
            }
            if (claude != m.group(3).toLowerCase().contains("rawpredict")) {
                v.add("publisher and method disagree");
            }
            if (claude && (body.has("model") || !"vertex-2023-10-16".equals(body.path("anthropic_version").asText()))) {
                v.add("rawPredict takes anthropic_version and no model");
            }
            return v;
        }

        @Override
        public String errorBody(String message) {
            return "{\"error\":{\"code\":400,\"message\":" + TextNode.valueOf(message)
                    + ",\"status\":\"INVALID_ARGUMENT\"}}";
        }
    };

    @BeforeEach
    void clear() {
        stub.reset();
    }

    private StubUpstream.Script withTokens(StubUpstream.Script upstream) {
        return (req, reply) -> {
            if (req.path().equals("/token")) {
                assertThat(req.body()).contains("assertion=");
                reply.json(200, "{\"access_token\":\"ya29.vertex-" + TOKENS.incrementAndGet()
                        + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
                return;
            }
            upstream.respond(req, reply);
        };
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureThroughTheRoutes() {
        return Fixtures.cases("vertex").stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> replay(dir)));
    }

    private void replay(Path dir) {
        stub.reset();
        List<String> problems = new CopyOnWriteArrayList<>();
        stub.always(withTokens(FixtureReplay.script(dir, vertex, 5, problems)));
        FixtureReplay.check(dir, this, stub, problems);
    }

    @Test
    void theTokenIsFetchedOnceForManyCalls() {
        Path dir = Path.of("src/test/resources/fixtures/vertex/gemini-json-object");
        stub.always(withTokens(FixtureReplay.script(dir, vertex, 0, new CopyOnWriteArrayList<>())));
        int before = TOKENS.get();
        for (int i = 0; i < 3; i++) {
            var r = chat(Fixtures.text(dir, "request.json"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r.body()).at("/usage/cost").isNumber()).as("priced via the vertex -> gemini fallback")
                    .isTrue();
        }
        assertThat(TOKENS.get() - before).isLessThanOrEqualTo(1);
        assertThat(stub.requests()).extracting(StubUpstream.Recorded::path).filteredOn(p -> !p.equals("/token"))
                .hasSize(3).allMatch(p -> p.endsWith("/publishers/google/models/gemini-2.5-flash:generateContent"));
    }

    /** POST /v1/embeddings: every vertex embeddings fixture through the routes, to :predict with a token. */
    @TestFactory
    Stream<DynamicTest> everyEmbeddingsFixtureThroughTheRoutes() {
        return Fixtures.cases("vertex", Fixtures.EMBEDDINGS).stream().map(dir -> DynamicTest.dynamicTest(
                dir.getFileName().toString(), () -> replayEmbeddings(dir)));
    }

    private void replayEmbeddings(Path dir) {
        stub.reset();
        List<String> problems = new CopyOnWriteArrayList<>();
        stub.always(withTokens(FixtureReplay.script(dir, vertex, 0, problems)));
        var r = post("/v1/embeddings", Fixtures.text(dir, "request.json"));
        assertThat(problems).as("what the upstream received").isEmpty();
        FixtureReplay.checkEmbeddings(dir, r, stub, model -> "/vertex/v1/projects/proj-1/locations/us-central1/publishers/google/models/"
                + model + ":predict");
    }

    @Test
    void geminiEmbeddingOnVertexIsPricedLikeTheGeminiApi() {
        Path dir = Path.of("src/test/resources/fixtures/vertex/embeddings-gemini-embedding-base64");
        stub.always(withTokens(FixtureReplay.script(dir, vertex, 0, new CopyOnWriteArrayList<>())));
        var r = post("/v1/embeddings", Fixtures.text(dir, "request.json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // 2 counted tokens at gemini-embedding-001's 0.15 USD per million, through the vertex -> gemini fallback
        assertThat(json(r.body()).at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0000003");
        assertThat(json(r.body()).at("/usage/cost_details/estimated").isMissingNode()).isTrue();
    }
}
