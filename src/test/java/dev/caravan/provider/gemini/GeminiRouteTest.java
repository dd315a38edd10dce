package dev.caravan.provider.gemini;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The real routes against a stub that speaks generateContent: every fixture is replayed with real pacing, and the
 * stub refuses what the real API refuses (roles other than user/model, empty parts, function responses without the
 * call's name or count, Gemini 3 calls without a thought signature, the key in the URL).
 */
class GeminiRouteTest extends GatewayTestSupport {

    static final Pattern PATH = Pattern.compile(
            "/gemini/v1beta/models/([^/:?]+):(generateContent|streamGenerateContent\\?alt=sse)");

    static final FixtureReplay.Upstream GENERATE_CONTENT = new FixtureReplay.Upstream() {
        @Override
        public List<String> violations(StubUpstream.Recorded req, JsonNode body) {
            Matcher m = PATH.matcher(req.path());
            if (!m.matches()) {
                return List.of("path " + req.path());
            }
            List<String> v = new ArrayList<>(GeminiApiRules.violations(m.group(1), body));
            boolean stream = m.group(2).startsWith("stream");
            if (stream != "text/event-stream".equals(req.header("accept"))) {
                v.add("stream path and accept header disagree");
            }
            if (!PROVIDER_KEY.equals(req.header("x-goog-api-key")) || req.path().contains("key=")) {
                v.add("the key goes in x-goog-api-key, never in the URL");
            }
            if (req.header("authorization") != null) {
                v.add("the gateway key must not reach the provider");
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

    @TestFactory
    Stream<DynamicTest> everyFixtureThroughTheRoutes() {
        return Fixtures.cases("gemini").stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> replay(dir)));
    }

    private void replay(Path dir) {
        stub.reset();
        List<String> problems = new CopyOnWriteArrayList<>();
        stub.always(FixtureReplay.script(dir, GENERATE_CONTENT, 15, problems));
        FixtureReplay.check(dir, this, stub, problems);
    }

    @Test
    void streamsUseTheSsePathAndEndWhenTheConnectionCloses() {
        Path dir = Path.of("src/test/resources/fixtures/gemini/text-stream");
        stub.always(FixtureReplay.script(dir, GENERATE_CONTENT, 0, new CopyOnWriteArrayList<>()));
        StreamResult s = stream(Fixtures.text(dir, "request.json"));
        assertThat(stub.lastRequest().path()).isEqualTo("/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void aStreamCutBeforeTheFinishReasonEndsWithAnErrorEvent() {
        stub.always((req, reply) -> {
            reply.startStream(200);
            reply.chunk("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},"
                    + "\"index\":0}],\"responseId\":\"r-cut\"}\n\n");
            reply.endStream();
        });
        StreamResult s = stream("""
                {"model":"gemini/gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        List<JsonNode> ev = s.events();
        assertThat(ev.get(0).at("/choices/0/delta/content").asText()).isEqualTo("Hel");
        assertThat(ev.get(ev.size() - 1).at("/error/code").asText()).isEqualTo("upstream_stream_truncated");
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void theStubRefusesWhatGenerateContentRefuses() {
        assertThat(GeminiApiRules.violations("gemini-2.5-flash", json("""
                {"contents":[{"role":"assistant","parts":[{"text":"a"}]},{"role":"user","parts":[]}]}""")))
                .anyMatch(v -> v.contains("valid role")).anyMatch(v -> v.contains("must not be empty"));
        assertThat(GeminiApiRules.violations("gemini-3-pro-preview", json("""
                {"contents":[{"role":"user","parts":[{"text":"a"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"call_1","response":{"output":1}}}]}]}""")))
                .anyMatch(v -> v.contains("thought_signature")).anyMatch(v -> v.contains("number of function response"));
    }
}
