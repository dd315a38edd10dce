package dev.caravan.shadow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.provider.StreamEncoder;

/**
 * Keeps the first choice's text, finish reason and tool calls of a sampled stream as its chunks go to the client,
 * so a streamed primary is compared like a non-streamed one. Wraps the client API's encoder and passes every call
 * through unchanged; a chunk it cannot read (a native pass-through's verbatim bytes) marks the capture unusable.
 */
final class StreamCapture implements StreamEncoder {

    private final StreamEncoder inner;
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, String> toolNames = new TreeMap<>();
    private final Map<Integer, StringBuilder> toolArgs = new TreeMap<>();
    private String finish;
    private boolean unreadable;

    StreamCapture(StreamEncoder inner) {
        this.inner = inner;
    }

    @Override
    public void chunk(Object chunk, Consumer<byte[]> out) {
        try {
            capture(chunk);
        } catch (RuntimeException e) {
            unreadable = true;
        }
        inner.chunk(chunk, out);
    }

    @Override
    public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
        inner.end(usage, id, created, model, out);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> endDeferred(Usage usage, String id, long created,
            String model, Consumer<byte[]> out) {
        return inner.endDeferred(usage, id, created, model, out);
    }

    @Override
    public void error(ApiError error, int status, Consumer<byte[]> out) {
        inner.error(error, status, out);
    }

    private synchronized void capture(Object chunk) {
        if (chunk instanceof Verbatim) {
            unreadable = true;
            return;
        }
        JsonNode n = chunk instanceof JsonNode j ? j : Json.MAPPER.valueToTree(chunk);
        for (JsonNode choice : n.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual()) {
                text.append(delta.path("content").asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                int i = tc.path("index").asInt(0);
                JsonNode fn = tc.path("function");
                if (fn.path("name").isTextual() && !fn.path("name").asText().isEmpty()) {
                    toolNames.put(i, fn.path("name").asText());
                }
                if (fn.path("arguments").isTextual()) {
                    toolArgs.computeIfAbsent(i, k -> new StringBuilder()).append(fn.path("arguments").asText());
                }
            }
            if (choice.path("finish_reason").isTextual()) {
                finish = choice.path("finish_reason").asText();
            }
        }
    }

    synchronized boolean readable() {
        return !unreadable;
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized String finishReason() {
        return finish;
    }

    synchronized List<ShadowAnswer.ToolCallView> toolCalls() {
        List<ShadowAnswer.ToolCallView> out = new ArrayList<>();
        toolNames.forEach((i, name) -> {
            StringBuilder a = toolArgs.get(i);
            out.add(new ShadowAnswer.ToolCallView(name, ShadowAnswer.arguments(
                    Json.NODES.textNode(a == null ? "" : a.toString()))));
        });
        return out;
    }
}
