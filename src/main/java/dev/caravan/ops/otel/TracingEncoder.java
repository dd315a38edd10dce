package dev.caravan.ops.otel;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.ChatChunk;
import dev.caravan.api.Usage;
import dev.caravan.provider.StreamEncoder;

/**
 * A stream's client encoder that also tells the call's span what went by: finish reasons, the model and id the
 * provider answered with and, only when content is recorded for the key, the text. Everything is passed on
 * unchanged.
 */
final class TracingEncoder implements StreamEncoder {

    private final StreamEncoder inner;
    private final CallSpan span;
    private final int maxChars;

    TracingEncoder(StreamEncoder inner, CallSpan span, int maxChars) {
        this.inner = inner;
        this.span = span;
        this.maxChars = maxChars;
    }

    @Override
    public void chunk(Object chunk, Consumer<byte[]> out) {
        if (chunk instanceof ChatChunk c) {
            span.response(c.model(), c.id());
            for (ChatChunk.Choice choice : c.choices()) {
                span.finishReason(choice.finishReason());
                if (span.content && choice.delta() != null && choice.delta().content() != null) {
                    span.output(choice.delta().content().joinedText(), maxChars);
                }
            }
        } else if (chunk instanceof JsonNode n) {
            span.response(n.path("model").asText(null), n.path("id").asText(null));
            for (JsonNode choice : n.path("choices")) {
                JsonNode reason = choice.get("finish_reason");
                if (reason != null && reason.isTextual()) {
                    span.finishReason(reason.asText());
                }
                if (span.content) {
                    span.output(choice.path("delta").path("content").asText(null), maxChars);
                }
            }
        }
        inner.chunk(chunk, out);
    }

    @Override
    public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
        span.response(model, id);
        inner.end(usage, id, created, model, out);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> endDeferred(Usage usage, String id, long created,
            String model, Consumer<byte[]> out) {
        span.response(model, id);
        return inner.endDeferred(usage, id, created, model, out);
    }

    @Override
    public void error(ApiError error, int status, Consumer<byte[]> out) {
        inner.error(error, status, out);
    }
}
