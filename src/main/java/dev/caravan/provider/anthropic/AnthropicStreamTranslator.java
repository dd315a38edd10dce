package dev.caravan.provider.anthropic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.anthropic.AnthropicWire.Block;
import dev.caravan.provider.anthropic.AnthropicWire.Event;

/**
 * Anthropic stream events → OpenAI chunks, a small state machine over content blocks. Tool calls get their own
 * index (0, 1, ... over tool_use blocks only: text and thinking blocks shift Anthropic's block index); argument
 * fragments follow in order; thinking deltas become {@code reasoning_content}; a tool call's id carries the
 * thinking blocks before it. Usage is merged from message_start and the cumulative message_delta; an
 * {@code error} event is reported with the status its type implies (overloaded_error → 529).
 */
public final class AnthropicStreamTranslator implements StreamTranslator {

    private enum Kind { TEXT, THINKING, TOOL, JSON, OTHER }

    private final boolean jsonTool;
    private final boolean usageNulls;
    private final LongSupplier clockMillis;
    private final Map<Integer, Kind> kinds = new HashMap<>();
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private final List<Block> pending = new ArrayList<>();
    private StringBuilder thinking;
    private String signature;
    private int tools;
    private String id;
    private long created;
    private String model;
    private AnthropicWire.Usage usage;

    /**
     * @param jsonTool    json_object rides in the forced tool: its input streams as content
     * @param usageNulls  the client asked for include_usage: every chunk carries {@code usage: null} like OpenAI's
     * @param clockMillis the {@code created} time source
     */
    public AnthropicStreamTranslator(boolean jsonTool, boolean usageNulls, LongSupplier clockMillis) {
        this.jsonTool = jsonTool;
        this.usageNulls = usageNulls;
        this.clockMillis = clockMillis;
    }

    @Override
    public void onEvent(SseEvent event, ChunkSink out) throws Exception {
        if (event.data().isEmpty()) {
            return;
        }
        Event e = Json.MAPPER.readValue(event.data(), Event.class);
        String type = event.event() != null ? event.event() : e.type();
        switch (type == null ? "" : type) {
            case "message_start" -> start(e, out);
            case "content_block_start" -> blockStart(e, out);
            case "content_block_delta" -> delta(e, out);
            case "content_block_stop" -> blockStop(e);
            case "message_delta" -> messageDelta(e, out);
            case "message_stop" -> out.done();
            case "error" -> out.error(AnthropicMapping.status(e.error()), AnthropicMapping.error(e.error()));
            default -> {
                // ping and event types added later carry nothing to forward
            }
        }
    }

    private void start(Event e, ChunkSink out) {
        AnthropicWire.Response m = e.message();
        id = m == null || m.id() == null ? "chatcmpl-" + Long.toHexString(clockMillis.getAsLong()) : m.id();
        model = m == null ? null : m.model();
        created = clockMillis.getAsLong() / 1000;
        out.meta(id, created, model);
        usage = m == null ? null : m.usage();
        if (usage != null) {
            out.usage(AnthropicMapping.usage(usage));
        }
        emit(out, new Message("assistant", Content.of(""), null, null, null, null, null, null), null, null);
    }

    private void blockStart(Event e, ChunkSink out) {
        Block b = e.contentBlock();
        int index = e.index() == null ? -1 : e.index();
        String t = b == null || b.type() == null ? "" : b.type();
        switch (t) {
            case "text" -> {
                kinds.put(index, Kind.TEXT);
                if (b.text() != null && !b.text().isEmpty()) {
                    content(out, b.text());
                }
            }
            case "thinking" -> {
                kinds.put(index, Kind.THINKING);
                thinking = new StringBuilder(b.thinking() == null ? "" : b.thinking());
                signature = b.signature();
            }
            case "redacted_thinking" -> {
                kinds.put(index, Kind.OTHER);
                pending.add(Block.redacted(b.data()));
            }
            case "tool_use" -> toolStart(index, b, out);
            default -> kinds.put(index, Kind.OTHER);
        }
    }

    private void toolStart(int index, Block b, ChunkSink out) {
        if (jsonTool && AnthropicTools.JSON_TOOL.equals(b.name())) {
            kinds.put(index, Kind.JSON);
            return;
        }
        kinds.put(index, Kind.TOOL);
        int ti = tools++;
        toolIndexes.put(index, ti);
        ToolCall call = new ToolCall(ti, AnthropicThinking.carry(b.id(), pending), "function",
                new FunctionCall(b.name(), ""), null);
        pending.clear();
        emit(out, new Message(null, null, null, List.of(call), null, null, null, null), null, null);
    }

    private void delta(Event e, ChunkSink out) {
        AnthropicWire.Delta d = e.delta();
        if (d == null || d.type() == null) {
            return;
        }
        int index = e.index() == null ? -1 : e.index();
        Kind kind = kinds.getOrDefault(index, Kind.OTHER);
        switch (d.type()) {
            case "text_delta" -> content(out, d.text());
            case "thinking_delta" -> {
                if (thinking != null && d.thinking() != null) {
                    thinking.append(d.thinking());
                }
                if (d.thinking() != null && !d.thinking().isEmpty()) {
                    emit(out, new Message(null, null, null, null, null, null, d.thinking(), null), null, null);
                }
            }
            case "signature_delta" -> signature = d.signature();
            case "input_json_delta" -> {
                String part = d.partialJson();
                if (part == null || part.isEmpty()) {
                    return;
                }
                if (kind == Kind.JSON) {
                    content(out, part);
                } else if (kind == Kind.TOOL) {
                    ToolCall frag = new ToolCall(toolIndexes.get(index), null, null, new FunctionCall(null, part),
                            null);
                    emit(out, new Message(null, null, null, List.of(frag), null, null, null, null), null, null);
                }
            }
            default -> {
                // citations_delta and later delta types have no OpenAI equivalent
            }
        }
    }

    private void blockStop(Event e) {
        int index = e.index() == null ? -1 : e.index();
        if (kinds.get(index) == Kind.THINKING && thinking != null) {
            pending.add(Block.thinking(thinking.toString(), signature));
            thinking = null;
            signature = null;
        }
    }

    private void messageDelta(Event e, ChunkSink out) {
        usage = AnthropicMapping.merge(usage, e.usage());
        if (usage != null) {
            out.usage(AnthropicMapping.usage(usage));
        }
        String stop = e.delta() == null ? null : e.delta().stopReason();
        if (stop != null) {
            String finish = jsonTool && "tool_use".equals(stop) && tools == 0 ? "stop" : AnthropicMapping.finish(stop);
            emit(out, new Message(null, null, null, null, null, null, null, null), finish, stop);
            out.finished();
        }
    }

    private void content(ChunkSink out, String text) {
        if (text != null && !text.isEmpty()) {
            emit(out, new Message(null, Content.of(text), null, null, null, null, null, null), null, null);
        }
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
