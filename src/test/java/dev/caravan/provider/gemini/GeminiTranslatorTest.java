package dev.caravan.provider.gemini;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.api.ChatRequest;
import dev.caravan.provider.ModelPatterns;
import dev.caravan.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/** Every folder under fixtures/gemini: request → upstream request, upstream reply → client answer or chunks. */
class GeminiTranslatorTest {

    static final GeminiSettings SETTINGS = new GeminiSettings(ModelPatterns.parse("gemini-3*"),
            ModelPatterns.parse("gemini-3*"));

    @TestFactory
    Stream<DynamicTest> fixtures() {
        List<Path> cases = Fixtures.cases("gemini");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
    }

    static void run(Path dir) {
        ChatRequest req = Fixtures.request(dir);
        JsonNode meta = Fixtures.meta(dir);
        GeminiWire.Request t = Fixtures.translated(dir, dropped -> GeminiRequestTranslator.translate(req,
                Fixtures.model(req), SETTINGS, dropped));
        if (t == null) {
            return;
        }
        if (Fixtures.has(dir, "upstream-response.sse")) {
            byte[] sse = Fixtures.text(dir, "upstream-response.sse").getBytes(StandardCharsets.UTF_8);
            for (int split : new int[] {sse.length, 5}) {
                List<Fixtures.Ev> actual = Fixtures.translateStream(sse, new GeminiStreamTranslator(
                        Fixtures.model(req), req.includeUsage(), () -> Fixtures.CREATED * 1000), split);
                Fixtures.record(dir, "expected.sse", Fixtures.format(actual));
                assertThat(actual).as("stream split every " + split + " bytes")
                        .isEqualTo(Fixtures.events(Fixtures.text(dir, "expected.sse")));
            }
        } else if (Fixtures.has(dir, "upstream-response.json")) {
            JsonNode actual;
            try {
                actual = Fixtures.normal(GeminiResponseTranslator.translate("gemini", Fixtures.upstreamReply(dir, meta),
                        Fixtures.CREATED, Fixtures.model(req)).body());
            } catch (RuntimeException e) {
                actual = Fixtures.clientError(e);
            }
            Fixtures.record(dir, "expected.json", Fixtures.pretty(actual));
            assertThat(actual).as("client answer").isEqualTo(Fixtures.json(dir, "expected.json"));
        }
    }
}
