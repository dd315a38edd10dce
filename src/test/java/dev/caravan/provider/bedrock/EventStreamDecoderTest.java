package dev.caravan.provider.bedrock;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.provider.SseEvent;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary ConverseStream fixtures (written by an independent encoder) decode to the events listed beside them
 * ({@code upstream-events.jsonl}), however the bytes are cut; each event is delivered as soon as its frame's last
 * byte arrives; a corrupted frame is refused.
 */
class EventStreamDecoderTest {

    static final Path TOOL_STREAM = Path.of("src/test/resources/fixtures/bedrock/tool-call-stream");

    @Test
    void everyRecordingDecodesToItsListedEventsAtEverySplit() {
        for (Path dir : Fixtures.cases("bedrock")) {
            if (!Fixtures.has(dir, "upstream-response.eventstream")) {
                continue;
            }
            byte[] bytes = BedrockTranslatorTest.bytes(dir.resolve("upstream-response.eventstream"));
            List<String> expected = listed(dir);
            for (int split = 1; split <= 64; split++) {
                assertThat(decode(bytes, split)).as(dir.getFileName() + " split " + split).isEqualTo(expected);
            }
        }
    }

    @Test
    void anEventIsDeliveredWhenItsLastByteArrivesAndNotBefore() {
        byte[] bytes = BedrockTranslatorTest.bytes(TOOL_STREAM.resolve("upstream-response.eventstream"));
        int first = ByteBuffer.wrap(bytes).getInt(0); // total length of the first frame (prelude)
        List<SseEvent> got = new ArrayList<>();
        EventStreamDecoder d = new EventStreamDecoder(got::add);
        d.feed(ByteBuffer.wrap(bytes, 0, first - 1));
        assertThat(got).isEmpty();
        d.feed(ByteBuffer.wrap(bytes, first - 1, 1));
        assertThat(got).hasSize(1);
        assertThat(got.get(0).event()).isEqualTo("messageStart");
        d.feed(ByteBuffer.wrap(bytes, first, 3));
        assertThat(got).hasSize(1);
    }

    @Test
    void exceptionFramesAreNamedByTheirExceptionType() {
        Path dir = Path.of("src/test/resources/fixtures/bedrock/error-throttling-stream");
        List<SseEvent> got = new ArrayList<>();
        new EventStreamDecoder(got::add).feed(ByteBuffer.wrap(BedrockTranslatorTest.bytes(
                dir.resolve("upstream-response.eventstream"))));
        assertThat(got).extracting(SseEvent::event).containsExactly("exception:throttlingException");
    }

    @Test
    void aCorruptedFrameIsRefused() {
        byte[] bytes = BedrockTranslatorTest.bytes(TOOL_STREAM.resolve("upstream-response.eventstream"));
        bytes[20] ^= 0x01; // inside the first frame's headers: the message CRC no longer matches
        EventStreamDecoder d = new EventStreamDecoder(e -> { });
        assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(bytes))).isInstanceOf(RuntimeException.class);
    }

    private static List<String> decode(byte[] bytes, int split) {
        List<String> out = new ArrayList<>();
        EventStreamDecoder d = new EventStreamDecoder(e -> out.add(e.event() + " " + GatewayTestSupport.json(e.data())));
        for (int i = 0; i < bytes.length; i += split) {
            d.feed(ByteBuffer.wrap(bytes, i, Math.min(split, bytes.length - i)));
        }
        d.finish();
        return out;
    }

    private static List<String> listed(Path dir) {
        List<String> out = new ArrayList<>();
        for (String line : Fixtures.text(dir, "upstream-events.jsonl").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = GatewayTestSupport.json(line);
            String name = n.has("exception") ? EventStreamDecoder.EXCEPTION + n.get("exception").asText()
                    : n.get("event").asText();
            out.add(name + " " + n.get("payload"));
        }
        return out;
    }
}
