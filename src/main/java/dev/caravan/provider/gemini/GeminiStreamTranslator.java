package dev.caravan.provider.gemini;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.caravan.api.ChatChunk;
import dev.caravan.api.Content;
import dev.caravan.api.Json;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.gemini.GeminiWire.Part;

/**
 * Gemini {@code alt=sse} events (each a whole {@code GenerateContentResponse} carrying a delta) → OpenAI chunks.
 * Per candidate: the first chunk carries the role; text and thought text become content / reasoning_content; a
 * function call arrives whole and becomes one tool-call delta (id, name, all arguments) with its own index; the
 * finish reason is corrected to {@code tool_calls} when the candidate called functions. Usage: the last
 * usageMetadata wins. An {@code error} payload is reported with its code (API_KEY_INVALID → 401). Gemini sends no
 * end marker: the session ends the stream when the connection closes after a finish reason.
 */
public final class GeminiStreamTranslator implements StreamTranslator {

    private final String requestedModel;
    private final boolean usageNulls;
    private final LongSupplier clockMillis;
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, Integer> toolCounts = new HashMap<>();
    private String id;
    private long created;
    private String model;

    public GeminiStreamTranslator(String requestedModel, boolean usageNulls, LongSupplier clockMillis) {
        this.requestedModel = requestedModel;
        this.usageNulls = usageNulls;
        this.clockMillis = clockMillis;
    }

    @Override
    public void onEvent(SseEvent event, ChunkSink out) throws Exception {
        if (event.data().isBlank()) {
            return;
        }
        GeminiWire.Response r = Json.MAPPER.readValue(event.data(), GeminiWire.Response.class);
        if (r.error() != null) {
            out.error(GeminiMapping.status(r.error()), GeminiMapping.upstreamError(r.error()));
            return;
        }
        if (id == null) {
            id = r.responseId() != null ? r.responseId()
                    : GeminiMapping.mintId(null, 0, 0).replace("call_", "chatcmpl-");
            created = clockMillis.getAsLong() / 1000;
            model = r.modelVersion() != null ? r.modelVersion() : requestedModel;
            out.meta(id, created, model);
        }
        if (r.usageMetadata() != null) {
            out.usage(GeminiMapping.usage(r.usageMetadata()));
        }
        if ((r.candidates() == null || r.candidates().isEmpty()) && r.promptFeedback() != null
                && r.promptFeedback().blockReason() != null) {
            finish(out, 0, "content_filter", r.promptFeedback().blockReason());
            return;
        }
        if (r.candidates() != null) {
            for (int k = 0; k < r.candidates().size(); k++) {
                candidate(r, k, out);
            }
        }
    }

    private void candidate(GeminiWire.Response r, int k, ChunkSink out) {
        GeminiWire.Candidate c = r.candidates().get(k);
        int index = c.index() != null ? c.index() : k;
        StringBuilder text = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<Part> parts = c.content() == null || c.content().parts() == null ? List.of() : c.content().parts();
        for (Part p : parts) {
            if (p.functionCall() != null) {
                int n = toolCounts.merge(index, 1, Integer::sum) - 1;
                ToolCall tc = GeminiResponseTranslator.toolCall(p, r.responseId(), index, n);
                calls.add(new ToolCall(n, tc.id(), tc.type(), tc.function(), null));
            } else if (p.text() != null) {
                (Boolean.TRUE.equals(p.thought()) ? thoughts : text).append(p.text());
            }
        }
        if (text.length() > 0 || thoughts.length() > 0 || !calls.isEmpty()) {
            boolean first = started.add(index);
            emit(out, index, new Message(first ? "assistant" : null,
                    text.length() > 0 ? Content.of(text.toString()) : first ? Content.of("") : null, null,
                    calls.isEmpty() ? null : calls, null, null, thoughts.length() > 0 ? thoughts.toString() : null,
                    null), null, null);
        }
        if (c.finishReason() != null) {
            finish(out, index, GeminiMapping.finish(c.finishReason(), toolCounts.getOrDefault(index, 0) > 0),
                    c.finishReason());
        }
    }

    private void finish(ChunkSink out, int index, String finish, String nativeFinish) {
        if (started.add(index)) {
            emit(out, index, new Message("assistant", Content.of(""), null, null, null, null, null, null), null,
                    null);
        }
        emit(out, index, new Message(null, null, null, null, null, null, null, null), finish, nativeFinish);
        out.finished();
    }

    private void emit(ChunkSink out, int index, Message delta, String finish, String nativeFinish) {
        Map<String, JsonNode> extra = nativeFinish == null ? null
                : new LinkedHashMap<>(Map.of("native_finish_reason", TextNode.valueOf(nativeFinish)));
        ChatChunk c = ChatChunk.of(id, created, model, new ChatChunk.Choice(index, delta, null, finish, extra));
        if (usageNulls) {
            c.extra().put("usage", NullNode.getInstance());
        }
        out.chunk(c);
    }
}
