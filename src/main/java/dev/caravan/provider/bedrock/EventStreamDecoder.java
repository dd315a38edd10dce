package dev.caravan.provider.bedrock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamDecoder;

/**
 * The binary {@code application/vnd.amazon.eventstream} framing → events, incrementally: frames split across
 * network chunks are held until complete (the AWS SDK's {@link MessageDecoder} checks both CRCs), and each frame is
 * delivered as soon as its last byte arrives, never later. An event frame becomes an {@link SseEvent} named by its
 * {@code :event-type} header; an exception frame is named by its {@code :exception-type} (e.g.
 * {@code throttlingException}) and an error frame {@code error}; the data is the frame's JSON payload.
 */
public final class EventStreamDecoder implements StreamDecoder {

    /** Name prefix of exception events, so a translator can tell them from events. */
    public static final String EXCEPTION = "exception:";

    private final MessageDecoder decoder;

    public EventStreamDecoder(Consumer<SseEvent> sink) {
        this.decoder = new MessageDecoder(m -> sink.accept(toEvent(m)));
    }

    @Override
    public void feed(ByteBuffer bytes) {
        decoder.feed(bytes);
    }

    @Override
    public void finish() {
        // a partial frame at the end is not an event: the session reports the stream as truncated
    }

    static SseEvent toEvent(Message m) {
        String type = header(m, ":message-type");
        String payload = new String(m.getPayload(), StandardCharsets.UTF_8);
        if ("exception".equals(type)) {
            return new SseEvent(EXCEPTION + header(m, ":exception-type"), payload);
        }
        if ("error".equals(type)) {
            String code = header(m, ":error-code");
            String message = header(m, ":error-message");
            return new SseEvent(EXCEPTION + (code == null ? "error" : code), message == null ? payload
                    : "{\"message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(message) + "}");
        }
        return new SseEvent(header(m, ":event-type"), payload);
    }

    private static String header(Message m, String name) {
        HeaderValue v = m.getHeaders().get(name);
        return v == null ? null : v.getString();
    }
}
