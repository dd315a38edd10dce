package dev.caravan.provider.anthropic;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.provider.ModelPatterns;
import dev.caravan.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/** Every folder under fixtures/anthropic: request → upstream request, upstream reply → client answer or chunks. */
class AnthropicTranslatorTest {

    static final AnthropicSettings SETTINGS = new AnthropicSettings(4096, ModelPatterns.parse(
            "claude-opus-4-7*,claude-opus-4-8*,claude-opus-5*,claude-sonnet-5*,claude-haiku-5*,claude-fable*"));

    @TestFactory
    Stream<DynamicTest> fixtures() {
        List<Path> cases = Fixtures.cases("anthropic");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir)));
    }

    static void run(Path dir) {
        ChatRequest req = Fixtures.request(dir);
        JsonNode meta = Fixtures.meta(dir);
        AnthropicRequestTranslator.Translated t;
        try {
            t = AnthropicRequestTranslator.translate(req, Fixtures.model(req), SETTINGS);
        } catch (RuntimeException e) {
            JsonNode actual = Fixtures.clientError(e);
            Fixtures.record(dir, "expected.json", Fixtures.pretty(actual));
            assertThat(Fixtures.has(dir, "upstream-request.json")).as("translation failed: " + e).isFalse();
            assertThat(actual).isEqualTo(Fixtures.json(dir, "expected.json"));
            return;
        }
        JsonNode body = Fixtures.normal(Json.MAPPER.valueToTree(t.body()));
        Fixtures.record(dir, "upstream-request.json", Fixtures.pretty(body));
        assertThat(body).as("upstream request").isEqualTo(Fixtures.json(dir, "upstream-request.json"));
        List<String> dropped = new ArrayList<>();
        meta.path("dropped").forEach(n -> dropped.add(n.asText()));
        assertThat(t.dropped()).as("dropped params").containsExactlyInAnyOrderElementsOf(dropped);
        if (Fixtures.has(dir, "upstream-response.sse")) {
            byte[] sse = Fixtures.text(dir, "upstream-response.sse").getBytes(StandardCharsets.UTF_8);
            for (int split : new int[] {sse.length, 7}) {
                List<Fixtures.Ev> actual = Fixtures.translateStream(sse,
                        new AnthropicStreamTranslator(t.jsonTool(), req.includeUsage(), () -> Fixtures.CREATED * 1000),
                        split);
                Fixtures.record(dir, "expected.sse", Fixtures.format(actual));
                assertThat(actual).as("stream split every " + split + " bytes")
                        .isEqualTo(Fixtures.events(Fixtures.text(dir, "expected.sse")));
            }
        } else if (Fixtures.has(dir, "upstream-response.json")) {
            JsonNode actual;
            try {
                actual = AnthropicResponseTranslator.translate("anthropic", Fixtures.upstreamReply(dir, meta), t.jsonTool(),
                        Fixtures.CREATED, Fixtures.model(req)).body();
                actual = Fixtures.normal(actual);
            } catch (RuntimeException e) {
                actual = Fixtures.clientError(e);
            }
            Fixtures.record(dir, "expected.json", Fixtures.pretty(actual));
            assertThat(actual).as("client answer").isEqualTo(Fixtures.json(dir, "expected.json"));
        }
    }

    @Test
    void thinkingBlocksSurviveTheToolCallIdRoundTrip() {
        List<AnthropicWire.Block> blocks = List.of(AnthropicWire.Block.thinking("Let me check the weather.", "EqQBsig=="),
                AnthropicWire.Block.redacted("cmVkYWN0ZWQ="));
        String id = AnthropicThinking.carry("toolu_01A", blocks);
        assertThat(id).startsWith("toolu_01A__thinking__").matches("[A-Za-z0-9_-]+");
        dev.caravan.api.Message m = new dev.caravan.api.Message("assistant", null, null,
                List.of(dev.caravan.api.ToolCall.function(id, "get_weather", "{}")), null, null, null, null);
        assertThat(AnthropicThinking.carried(m)).isEqualTo(blocks);
    }
}
