package dev.caravan.provider.bedrock;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.caravan.api.ChatChunk;
import dev.caravan.api.Content;
import dev.caravan.api.FunctionCall;
import dev.caravan.api.Json;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamDecoder;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.bedrock.BedrockWire.Event;

/**
 * ConverseStream events → OpenAI chunks. The bytes are AWS event-stream frames ({@link EventStreamDecoder}), not
 * SSE. messageStart opens the answer; a toolUse contentBlockStart opens a tool call (its own index, 0, 1, ...);
 * text, toolUse input fragments and reasoning deltas follow; messageStop carries the finish reason; metadata
 * carries usage and ends the stream. An exception frame (throttlingException, modelStreamErrorException, ...) is
 * reported with its status, so before the first chunk it fails over like the same error on a plain reply.
 */
public final class BedrockStreamTranslator implements StreamTranslator {

    private final String model;
    private final boolean usageNulls;
    private final LongSupplier clockMillis;
    private final Supplier<String> ids;
    private final String jsonTool;
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private final Set<Integer> jsonBlocks = new HashSet<>();
    private int tools;
    private String id;
    private long created;
    private boolean started;

    /**
     * @param model       the model id every chunk names
     * @param usageNulls  the client asked for include_usage: every chunk carries {@code usage: null} like OpenAI's
     * @param clockMillis the {@code created} time source
     * @param ids         the completion id source (ConverseStream has no id)
     */
    public BedrockStreamTranslator(String model, boolean usageNulls, LongSupplier clockMillis,
            Supplier<String> ids) {
        this(model, usageNulls, clockMillis, ids, null);
    }

    /**
     * As above; {@code jsonTool} names the forced tool of a {@code response_format} request (else null): its input
     * deltas stream as content deltas and its {@code tool_use} stop finishes with {@code stop}.
     */
    public BedrockStreamTranslator(String model, boolean usageNulls, LongSupplier clockMillis,
            Supplier<String> ids, String jsonTool) {
        this.jsonTool = jsonTool;
        this.model = model;
        this.usageNulls = usageNulls;
        this.clockMillis = clockMillis;
        this.ids = ids;
    }

    @Override
    public StreamDecoder decoder(Consumer<SseEvent> sink) {
        return new EventStreamDecoder(sink);
    }

    @Override
    public void onEvent(SseEvent event, ChunkSink out) throws Exception {
        String name = event.event() == null ? "" : event.event();
        if (name.startsWith(EventStreamDecoder.EXCEPTION)) {
            String exception = name.substring(EventStreamDecoder.EXCEPTION.length());
            String message = event.data().isEmpty() ? null : Json.MAPPER.readTree(event.data()).path("message")
                    .asText(null);
            out.error(BedrockMapping.status(exception), BedrockMapping.error(exception, message));
            return;
        }
        Event e = event.data().isEmpty() ? null : Json.MAPPER.readValue(event.data(), Event.class);
        if (e == null) {
            return;
        }
        switch (name) {
            case "messageStart" -> start(out);
            case "contentBlockStart" -> blockStart(e, out);
            case "contentBlockDelta" -> delta(e, out);
            case "messageStop" -> stop(e, out);
            case "metadata" -> {
                if (e.usage() != null) {
                    out.usage(BedrockMapping.usage(e.usage()));
                }
                out.done();
            }
            default -> {
                // contentBlockStop and later event types carry nothing to forward
            }
        }
    }

    private void start(ChunkSink out) {
        if (started) {
            return;
        }
        started = true;
        id = ids.get();
        created = clockMillis.getAsLong() / 1000;
        out.meta(id, created, model);
        emit(out, new Message("assistant", Content.of(""), null, null, null, null, null, null), null, null);
    }

    private void blockStart(Event e, ChunkSink out) {
        start(out);
        if (e.start() == null || e.start().toolUse() == null) {
            return;
        }
        if (jsonTool != null && jsonTool.equals(e.start().toolUse().name())) {
            jsonBlocks.add(e.contentBlockIndex());
            return;
        }
        int ti = tools++;
        toolIndexes.put(e.contentBlockIndex(), ti);
        ToolCall call = new ToolCall(ti, e.start().toolUse().toolUseId(), "function",
                new FunctionCall(e.start().toolUse().name(), ""), null);
        emit(out, new Message(null, null, null, List.of(call), null, null, null, null), null, null);
    }

    private void delta(Event e, ChunkSink out) {
        start(out);
        BedrockWire.Delta d = e.delta();
        if (d == null) {
            return;
        }
        if (d.text() != null && !d.text().isEmpty()) {
            emit(out, new Message(null, Content.of(d.text()), null, null, null, null, null, null), null, null);
        } else if (d.toolUse() != null && d.toolUse().input() != null && !d.toolUse().input().isEmpty()
                && jsonBlocks.contains(e.contentBlockIndex())) {
            emit(out, new Message(null, Content.of(d.toolUse().input()), null, null, null, null, null, null), null,
                    null);
        } else if (d.toolUse() != null && d.toolUse().input() != null && !d.toolUse().input().isEmpty()) {
            Integer ti = toolIndexes.get(e.contentBlockIndex());
            if (ti != null) {
                ToolCall frag = new ToolCall(ti, null, null, new FunctionCall(null, d.toolUse().input()), null);
                emit(out, new Message(null, null, null, List.of(frag), null, null, null, null), null, null);
            }
        } else if (d.reasoningContent() != null) {
            reasoning(d.reasoningContent(), out);
        }
    }

    private void reasoning(BedrockWire.ReasoningDelta r, ChunkSink out) {
        if (r.text() != null && !r.text().isEmpty()) {
            emit(out, new Message(null, null, null, null, null, null, r.text(), null), null, null);
        } else if (r.signature() != null) {
            Map<String, JsonNode> extra = new LinkedHashMap<>(Map.of("reasoning_signature",
                    TextNode.valueOf(r.signature())));
            emit(out, new Message(null, null, null, null, null, null, null, extra), null, null);
        }
    }

    private void stop(Event e, ChunkSink out) {
        start(out);
        String stop = e.stopReason();
        String finish = !jsonBlocks.isEmpty() && tools == 0 && "tool_use".equals(stop) ? "stop"
                : BedrockMapping.finish(stop);
        emit(out, new Message(null, null, null, null, null, null, null, null), finish == null ? "stop" : finish,
                stop);
        out.finished();
    }

    private void emit(ChunkSink out, Message delta, String finish, String nativeFinish) {
        Map<String, JsonNode> extra = nativeFinish == null ? null
                : new LinkedHashMap<>(Map.of("native_finish_reason", TextNode.valueOf(nativeFinish)));
        ChatChunk c = ChatChunk.of(id, created, model, new ChatChunk.Choice(0, delta, null, finish, extra));
        if (usageNulls) {
            c.extra().put("usage", NullNode.getInstance());
        }
        out.chunk(c);
    }
}
