package dev.caravan.messages;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

/**
 * Pure: an OpenAI {@code chat.completion} (what every translated provider route produced) → an Anthropic
 * {@code message}: reasoning becomes a thinking block, then the text block, then one tool_use block per tool call;
 * finish_reason becomes stop_reason; usage becomes Anthropic's (input_tokens excludes cached and cache-write
 * tokens, which are reported beside it).
 */
public final class ChatToMessages {

    /** finish_reason → stop_reason (the reverse of wire-formats.md 2.5); anything unknown is end_turn. */
    static final Map<String, String> STOP = Map.of("stop", "end_turn", "length", "max_tokens", "tool_calls",
            "tool_use", "function_call", "tool_use", "content_filter", "refusal");

    private ChatToMessages() {
    }

    public static String stopReason(String finishReason) {
        return finishReason == null ? null : STOP.getOrDefault(finishReason, "end_turn");
    }

    /** Anthropic's {@code msg_} id for an upstream id. */
    static String messageId(String id) {
        return id == null || id.isEmpty() ? "msg_caravan" : id.startsWith("msg_") ? id : "msg_" + id;
    }

    public static ObjectNode translate(ObjectNode chat, Usage usage) {
        ObjectNode out = Json.NODES.objectNode();
        out.put("id", messageId(chat.path("id").asText(null)));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", chat.path("model").asText(""));
        JsonNode choice = chat.path("choices").path(0);
        JsonNode msg = choice.path("message");
        ArrayNode content = out.putArray("content");
        String reasoning = msg.path("reasoning_content").asText(msg.path("reasoning").asText(""));
        if (!reasoning.isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
        }
        String text = msg.path("content").isTextual() ? msg.path("content").asText() : "";
        JsonNode calls = msg.path("tool_calls");
        if (!text.isEmpty() || !calls.isArray() || calls.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode c : calls) {
            ObjectNode b = content.addObject().put("type", "tool_use");
            b.put("id", c.path("id").asText());
            b.put("name", c.path("function").path("name").asText());
            b.set("input", arguments(c.path("function").path("arguments").asText("")));
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText("stop")));
        out.putNull("stop_sequence");
        out.set("usage", usage(usage));
        return out;
    }

    /** Tool arguments as the JSON object Anthropic's tool_use.input is ({} when the model sent none or junk). */
    static JsonNode arguments(String args) {
        if (args.isBlank()) {
            return Json.NODES.objectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(args);
            return n != null && n.isObject() ? n : Json.NODES.objectNode();
        } catch (Exception e) {
            return Json.NODES.objectNode();
        }
    }

    /**
     * Anthropic usage: input_tokens without cache reads and writes, which are reported beside it; the gateway's
     * {@code cost} when the usage carries it (the end of a stream).
     */
    public static ObjectNode usage(Usage u) {
        ObjectNode n = Json.NODES.objectNode();
        long prompt = u == null ? 0 : u.prompt();
        long cached = u == null ? 0 : u.cached();
        long written = u == null ? 0 : u.cacheWrite();
        n.put("input_tokens", Math.max(0, prompt - cached - written));
        n.put("output_tokens", u == null ? 0 : u.completion());
        n.put("cache_creation_input_tokens", written);
        n.put("cache_read_input_tokens", cached);
        if (u != null && u.extra().containsKey("cost")) {
            // a stream's final usage, priced by the gateway (as in chat's usage chunk)
            n.set("cost", u.extra().get("cost"));
            if (u.extra().containsKey("cost_details")) {
                n.set("cost_details", u.extra().get("cost_details"));
            }
        }
        return n;
    }
}
