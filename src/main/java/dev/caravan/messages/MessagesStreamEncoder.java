package dev.caravan.messages;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.AnthropicErrors;
import dev.caravan.provider.SseCodec;
import dev.caravan.provider.StreamEncoder;

/**
 * The client's side of a {@code /v1/messages} stream: OpenAI chunks from any translated provider become Anthropic's
 * exact event sequence (message_start, ping, content_block_start / _delta / _stop per block, message_delta with
 * stop_reason and usage, message_stop), each written as soon as its chunk arrives. Reasoning deltas open a thinking
 * block, text a text block, each tool call a tool_use block whose argument fragments are input_json_delta events.
 * Events of a native Anthropic stream ({@link StreamEncoder.Verbatim}) are written as they came, and then the
 * upstream's own message_stop ends the stream. A failure after the first event ends it with {@code event: error}.
 */
public final class MessagesStreamEncoder implements StreamEncoder {

    private enum Kind { TEXT, THINKING, TOOL }

    private final String fallbackId;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private boolean verbatim;
    private boolean errorSent;
    private Kind open;
    private int openIndex = -1;
    private int nextIndex;
    private String stopReason;

    public MessagesStreamEncoder(String fallbackId) {
        this.fallbackId = fallbackId;
    }

    @Override
    public void chunk(Object chunk, Consumer<byte[]> out) {
        if (chunk instanceof Verbatim v) {
            verbatim = true;
            errorSent = errorSent || startsWith(v.bytes(), "event: error");
            out.accept(v.bytes());
            return;
        }
        JsonNode c = chunk instanceof JsonNode n ? n : Json.MAPPER.valueToTree(chunk);
        if (!started) {
            start(c.path("id").asText(fallbackId), c.path("model").asText(""), out);
        }
        JsonNode choice = c.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText(delta.path("reasoning").asText(""));
        if (!reasoning.isEmpty()) {
            open(Kind.THINKING, null, out);
            delta(ObjectNodes.of("type", "thinking_delta", "thinking", reasoning), openIndex, out);
        }
        String text = delta.path("content").isTextual() ? delta.path("content").asText() : "";
        if (!text.isEmpty()) {
            open(Kind.TEXT, null, out);
            delta(ObjectNodes.of("type", "text_delta", "text", text), openIndex, out);
        }
        for (JsonNode tc : delta.path("tool_calls")) {
            tool(tc, out);
        }
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && finish.isTextual()) {
            stopReason = ChatToMessages.stopReason(finish.asText());
        }
    }

    private void tool(JsonNode tc, Consumer<byte[]> out) {
        int idx = tc.path("index").asInt(0);
        Integer block = toolBlocks.get(idx);
        if (block == null) {
            ObjectNode start = Json.NODES.objectNode().put("type", "tool_use");
            start.put("id", tc.path("id").asText("toolu_" + idx));
            start.put("name", tc.path("function").path("name").asText(""));
            start.putObject("input");
            open(Kind.TOOL, start, out);
            block = openIndex;
            toolBlocks.put(idx, block);
        }
        String args = tc.path("function").path("arguments").asText("");
        if (!args.isEmpty()) {
            delta(ObjectNodes.of("type", "input_json_delta", "partial_json", args), block, out);
        }
    }

    /** Opens a block of {@code kind} unless one is open (a tool_use block always opens a new one). */
    private void open(Kind kind, ObjectNode toolStart, Consumer<byte[]> out) {
        if (open == kind && kind != Kind.TOOL) {
            return;
        }
        close(out);
        ObjectNode block = toolStart != null ? toolStart
                : kind == Kind.TEXT ? ObjectNodes.of("type", "text", "text", "")
                        : ObjectNodes.of("type", "thinking", "thinking", "");
        open = kind;
        openIndex = nextIndex++;
        ObjectNode e = Json.NODES.objectNode().put("type", "content_block_start").put("index", openIndex);
        e.set("content_block", block);
        emit("content_block_start", e, out);
    }

    private void close(Consumer<byte[]> out) {
        if (open == null) {
            return;
        }
        if (open == Kind.THINKING) {
            // translated thinking has no Anthropic signature; the block still ends as Anthropic's do
            delta(ObjectNodes.of("type", "signature_delta", "signature", ""), openIndex, out);
        }
        emit("content_block_stop", Json.NODES.objectNode().put("type", "content_block_stop").put("index", openIndex),
                out);
        open = null;
    }

    private void delta(ObjectNode d, int index, Consumer<byte[]> out) {
        ObjectNode e = Json.NODES.objectNode().put("type", "content_block_delta").put("index", index);
        e.set("delta", d);
        emit("content_block_delta", e, out);
    }

    private void start(String id, String model, Consumer<byte[]> out) {
        started = true;
        ObjectNode e = Json.NODES.objectNode().put("type", "message_start");
        ObjectNode m = e.putObject("message");
        m.put("id", ChatToMessages.messageId(id));
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        emit("message_start", e, out);
        emit("ping", Json.NODES.objectNode().put("type", "ping"), out);
    }

    @Override
    public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
        if (verbatim) {
            return; // the upstream's own message_delta and message_stop were forwarded
        }
        if (!started) {
            start(id == null ? fallbackId : id, model == null ? "" : model, out);
        }
        close(out);
        ObjectNode e = Json.NODES.objectNode().put("type", "message_delta");
        ObjectNode d = e.putObject("delta");
        d.put("stop_reason", stopReason == null ? "end_turn" : stopReason);
        d.putNull("stop_sequence");
        e.set("usage", ChatToMessages.usage(usage));
        emit("message_delta", e, out);
        emit("message_stop", Json.NODES.objectNode().put("type", "message_stop"), out);
    }

    @Override
    public void error(ApiError error, int status, Consumer<byte[]> out) {
        if (errorSent) {
            return;
        }
        errorSent = true;
        ObjectNode e = Json.NODES.objectNode().put("type", "error");
        ObjectNode err = e.putObject("error");
        err.put("type", AnthropicErrors.of(status).type());
        err.put("message", error.error() == null ? "The stream failed." : error.error().message());
        emit("error", e, out);
    }

    private static void emit(String event, ObjectNode data, Consumer<byte[]> out) {
        out.accept(SseCodec.event(event, StreamEncoder.json(data)));
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (bytes[i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    /** Two-field JSON objects, the shape of most Anthropic deltas. */
    private static final class ObjectNodes {
        static ObjectNode of(String k1, String v1, String k2, String v2) {
            return Json.NODES.objectNode().put(k1, v1).put(k2, v2);
        }
    }
}
