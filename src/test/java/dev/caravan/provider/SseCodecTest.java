package dev.caravan.provider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseCodecTest {

    static List<SseEvent> parse(String text, int pieceSize) {
        List<SseEvent> out = new ArrayList<>();
        SseCodec.Reader r = new SseCodec.Reader(out::add);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += pieceSize) {
            r.feed(java.nio.ByteBuffer.wrap(b, i, Math.min(pieceSize, b.length - i)));
        }
        r.finish();
        return out;
    }

    @Test
    void eventsSplitAnywhereIncludingInsideAMultiByteCharacter() {
        String text = "event: message_start\ndata: {\"t\":\"héllo €\"}\n\ndata: [DONE]\n\n";
        for (int piece = 1; piece <= text.length(); piece++) {
            assertThat(parse(text, piece)).containsExactly(new SseEvent("message_start", "{\"t\":\"héllo €\"}"),
                    new SseEvent(null, "[DONE]"));
        }
    }

    @Test
    void allLineEndingsCommentsAndMultiLineData() {
        String text = ": OPENROUTER PROCESSING\r\n\r\ndata: a\r\ndata: b\r\rdata:c\n\nevent: ping\ndata: {}\n\n";
        assertThat(parse(text, 3)).containsExactly(new SseEvent(null, "a\nb"), new SseEvent(null, "c"),
                new SseEvent("ping", "{}"));
    }

    @Test
    void aLastEventWithoutItsBlankLineIsStillDelivered() {
        assertThat(parse("data: {\"x\":1}", 4)).containsExactly(new SseEvent(null, "{\"x\":1}"));
    }

    @Test
    void writersFrameEvents() {
        assertThat(new String(SseCodec.data("{}".getBytes()), StandardCharsets.UTF_8)).isEqualTo("data: {}\n\n");
        assertThat(new String(SseCodec.event("ping", "{}".getBytes()), StandardCharsets.UTF_8))
                .isEqualTo("event: ping\ndata: {}\n\n");
        assertThat(new String(SseCodec.DONE, StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
    }
}
