package dev.caravan.messages;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.error.ApiException;

/**
 * Checks an Anthropic Messages request the way Anthropic does before anything is called: every 400 names the
 * field ({@code messages[2].content[0].type}). Only the shape is checked here; values a model may reject
 * (temperature on newer models, budgets) are the provider's to judge.
 */
public final class MessagesRequest {

    static final Set<String> ROLES = Set.of("user", "assistant");
    static final Set<String> BLOCKS = Set.of("text", "image", "document", "tool_use", "tool_result", "thinking",
            "redacted_thinking", "search_result", "server_tool_use", "web_search_tool_result", "container_upload");

    private MessagesRequest() {
    }

    /**
     * @param countOnly {@code /v1/messages/count_tokens}: {@code max_tokens} is not part of that request
     */
    public static void check(ObjectNode in, boolean countOnly) {
        JsonNode model = in.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw bad("model: Field required (a string such as 'anthropic/claude-sonnet-4-5').", "model");
        }
        if (!countOnly) {
            JsonNode max = in.get("max_tokens");
            if (max == null || max.isNull()) {
                throw bad("max_tokens: Field required", "max_tokens");
            }
            if (!max.isIntegralNumber() || max.asLong() < 1 || max.asLong() > Integer.MAX_VALUE) {
                throw bad("max_tokens: Input should be a positive integer", "max_tokens");
            }
        }
        JsonNode messages = in.get("messages");
        if (messages == null || messages.isNull()) {
            throw bad("messages: Field required", "messages");
        }
        if (!messages.isArray()) {
            throw bad("messages: Input should be a valid list", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), "messages[" + i + "]");
        }
        system(in.get("system"));
        type(in, "stream", JsonNode::isBoolean, "a valid boolean");
        type(in, "temperature", JsonNode::isNumber, "a valid number");
        type(in, "top_p", JsonNode::isNumber, "a valid number");
        type(in, "top_k", JsonNode::isIntegralNumber, "a valid integer");
        type(in, "metadata", JsonNode::isObject, "a valid dictionary");
        type(in, "thinking", JsonNode::isObject, "a valid dictionary");
        type(in, "tool_choice", JsonNode::isObject, "a valid dictionary");
        stops(in.get("stop_sequences"));
        tools(in.get("tools"));
    }

    private static void message(JsonNode m, String at) {
        if (!m.isObject()) {
            throw bad(at + ": Input should be a valid dictionary", at);
        }
        String role = m.path("role").asText(null);
        if (role == null || !ROLES.contains(role)) {
            throw bad(at + ".role: Input should be 'user' or 'assistant'", at + ".role");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw bad(at + ".content: Field required", at + ".content");
        }
        if (content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw bad(at + ".content: Input should be a valid string or a list of content blocks", at + ".content");
        }
        for (int j = 0; j < content.size(); j++) {
            block(content.get(j), at + ".content[" + j + "]");
        }
    }

    private static void block(JsonNode b, String at) {
        String type = b.path("type").asText(null);
        if (!b.isObject() || type == null) {
            throw bad(at + ".type: Field required", at + ".type");
        }
        if (!BLOCKS.contains(type)) {
            throw bad(at + ".type: Input tag '" + type + "' does not match any of the expected content block "
                    + "types", at + ".type");
        }
        switch (type) {
            case "text" -> require(b, at, "text", JsonNode::isTextual, "a valid string");
            case "image", "document" -> require(b, at, "source", JsonNode::isObject, "a valid dictionary");
            case "tool_use" -> {
                require(b, at, "id", JsonNode::isTextual, "a valid string");
                require(b, at, "name", JsonNode::isTextual, "a valid string");
                require(b, at, "input", JsonNode::isObject, "a valid dictionary");
            }
            case "tool_result" -> require(b, at, "tool_use_id", JsonNode::isTextual, "a valid string");
            default -> {
                // thinking and server blocks: Anthropic checks their details
            }
        }
    }

    private static void system(JsonNode s) {
        if (s == null || s.isNull() || s.isTextual()) {
            return;
        }
        if (!s.isArray()) {
            throw bad("system: Input should be a valid string or a list of text blocks", "system");
        }
        for (int i = 0; i < s.size(); i++) {
            JsonNode b = s.get(i);
            if (!"text".equals(b.path("type").asText()) || !b.path("text").isTextual()) {
                throw bad("system[" + i + "]: Input should be a text block {\"type\":\"text\",\"text\":...}",
                        "system[" + i + "]");
            }
        }
    }

    private static void stops(JsonNode s) {
        if (s == null || s.isNull()) {
            return;
        }
        if (!s.isArray()) {
            throw bad("stop_sequences: Input should be a valid list", "stop_sequences");
        }
        for (int i = 0; i < s.size(); i++) {
            if (!s.get(i).isTextual()) {
                throw bad("stop_sequences[" + i + "]: Input should be a valid string", "stop_sequences[" + i + "]");
            }
        }
    }

    private static void tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw bad("tools: Input should be a valid list", "tools");
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            if (!t.isObject()) {
                throw bad(at + ": Input should be a valid dictionary", at);
            }
            require(t, at, "name", JsonNode::isTextual, "a valid string");
            if ("custom".equals(t.path("type").asText("custom"))) {
                require(t, at, "input_schema", JsonNode::isObject, "a valid dictionary");
            }
        }
    }

    private static void type(ObjectNode in, String field, java.util.function.Predicate<JsonNode> ok, String what) {
        JsonNode v = in.get(field);
        if (v != null && !v.isNull() && !ok.test(v)) {
            throw bad(field + ": Input should be " + what, field);
        }
    }

    private static void require(JsonNode b, String at, String field, java.util.function.Predicate<JsonNode> ok,
            String what) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            throw bad(at + "." + field + ": Field required", at + "." + field);
        }
        if (!ok.test(v)) {
            throw bad(at + "." + field + ": Input should be " + what, at + "." + field);
        }
    }

    /** System text: a string, or the text of its blocks joined by newlines; null when absent. */
    static String text(JsonNode system) {
        if (system == null || system.isNull()) {
            return null;
        }
        if (system.isTextual()) {
            return system.asText();
        }
        StringBuilder sb = new StringBuilder();
        system.forEach(b -> sb.append(sb.length() == 0 ? "" : "\n").append(b.path("text").asText()));
        return sb.toString();
    }

    static ApiException bad(String message, String param) {
        return ApiException.badRequest(message, param, "invalid_request");
    }
}
