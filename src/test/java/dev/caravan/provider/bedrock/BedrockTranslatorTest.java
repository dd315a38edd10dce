package dev.caravan.provider.bedrock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.api.ChatRequest;
import dev.caravan.provider.ModelPatterns;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every folder under fixtures/bedrock: request → Converse request, Converse reply → client answer, and the binary
 * ConverseStream recording → chunks, fed whole and in 5-byte pieces (frames split across reads).
 */
class BedrockTranslatorTest {

    static final BedrockSettings SETTINGS = new BedrockSettings(4096, ModelPatterns.parse("*anthropic.claude*"));
    static final String STREAM_ID = "chatcmpl-bedrock-fixture";

    @TestFactory
    Stream<DynamicTest> fixtures() {
        List<Path> cases = Fixtures.cases("bedrock");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
    }

    static void run(Path dir) {
        ChatRequest req = Fixtures.request(dir);
        JsonNode meta = Fixtures.meta(dir);
        BedrockWire.Request t = Fixtures.translated(dir, dropped -> BedrockRequestTranslator.translate(req,
                Fixtures.model(req), SETTINGS, dropped));
        if (t == null) {
            return;
        }
        if (Fixtures.has(dir, "upstream-response.eventstream")) {
            byte[] frames = bytes(dir.resolve("upstream-response.eventstream"));
            for (int split : new int[] {frames.length, 5, 1}) {
                List<Fixtures.Ev> actual = Fixtures.translateStream(frames, new BedrockStreamTranslator(
                        Fixtures.model(req), req.includeUsage(), () -> Fixtures.CREATED * 1000, () -> STREAM_ID,
                        BedrockStructured.toolName(req)),
                        split);
                Fixtures.record(dir, "expected.sse", Fixtures.format(actual));
                assertThat(actual).as("stream split every " + split + " bytes")
                        .isEqualTo(Fixtures.events(Fixtures.text(dir, "expected.sse")));
            }
        } else if (Fixtures.has(dir, "upstream-response.json")) {
            JsonNode actual;
            UpstreamResponse r = Fixtures.upstreamReply(dir, meta);
            try {
                actual = Fixtures.normal(BedrockResponseTranslator.translate("bedrock", r,
                        BedrockResponseTranslator.idFor(r), Fixtures.CREATED, Fixtures.model(req),
                        BedrockStructured.toolName(req)).body());
            } catch (RuntimeException e) {
                actual = Fixtures.clientError(e);
            }
            Fixtures.record(dir, "expected.json", Fixtures.pretty(actual));
            assertThat(actual).as("client answer").isEqualTo(Fixtures.json(dir, "expected.json"));
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
