package dev.caravan.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;

/**
 * Responses API input items → Chat Completions messages. Pure functions over JSON trees: {@link #items} normalizes
 * {@code input} (a string or an array of items) to an array of items, validated (400 naming {@code input[i]...});
 * {@link #messages} maps items to chat messages (message items with input_text / input_image / output_text,
 * function_call → an assistant message's tool_calls, function_call_output → a tool message). Reasoning items are
 * not replayed to a translated provider (noted in x-caravan-dropped-params).
 */
final class ResponsesInput {

    private ResponsesInput() {
    }

    /** {@code input} as an array of items (a string becomes one user message item). */
    static ArrayNode items(JsonNode input) {
        ArrayNode out = Json.NODES.arrayNode();
        if (input == null || input.isNull()) {
            throw ApiException.badRequest("Missing required parameter: 'input'.", "input",
                    "missing_required_parameter");
        }
        if (input.isTextual()) {
            out.add(message("user", input.asText()));
            return out;
        }
        if (!input.isArray()) {
            throw ApiException.badRequest("Invalid type for 'input': expected a string or an array of input items.",
                    "input", "invalid_type");
        }
        for (int i = 0; i < input.size(); i++) {
            out.add(item(input.get(i), "input[" + i + "]"));
        }
        return out;
    }

    static ObjectNode message(String role, String text) {
        ObjectNode m = Json.NODES.objectNode();
        m.put("type", "message");
        m.put("role", role);
        ArrayNode content = m.putArray("content");
        ObjectNode part = content.addObject();
        part.put("type", "assistant".equals(role) ? "output_text" : "input_text");
        part.put("text", text);
        return m;
    }

    private static ObjectNode item(JsonNode n, String at) {
        if (!(n instanceof ObjectNode o)) {
            throw ApiException.badRequest("Invalid type for '" + at + "': expected an object.", at, "invalid_type");
        }
        String type = o.path("type").asText(o.has("role") ? "message" : "");
        switch (type) {
            case "message" -> {
                String role = o.path("role").asText("");
                if (!java.util.Set.of("user", "assistant", "system", "developer").contains(role)) {
                    throw ApiException.badRequest("Invalid value for '" + at + ".role': expected one of user, "
                            + "assistant, system, developer.", at + ".role", "invalid_value");
                }
                ObjectNode m = o.deepCopy();
                m.put("type", "message");
                JsonNode content = o.get("content");
                if (content == null || content.isNull()) {
                    throw ApiException.badRequest("Missing required parameter: '" + at + ".content'.",
                            at + ".content", "missing_required_parameter");
                }
                if (content.isTextual()) {
                    m.set("content", message(role, content.asText()).get("content"));
                } else if (content.isArray()) {
                    for (int j = 0; j < content.size(); j++) {
                        part(content.get(j), at + ".content[" + j + "]");
                    }
                } else {
                    throw ApiException.badRequest("Invalid type for '" + at + ".content': expected a string or an "
                            + "array of content parts.", at + ".content", "invalid_type");
                }
                return m;
            }
            case "function_call" -> {
                text(o, "call_id", at);
                text(o, "name", at);
                text(o, "arguments", at);
                return o.deepCopy();
            }
            case "function_call_output" -> {
                text(o, "call_id", at);
                JsonNode out = o.get("output");
                if (out == null || !(out.isTextual() || out.isArray())) {
                    throw ApiException.badRequest("'" + at + ".output' must be a string.", at + ".output",
                            out == null ? "missing_required_parameter" : "invalid_type");
                }
                return o.deepCopy();
            }
            case "reasoning" -> {
                return o.deepCopy();
            }
            default -> throw ApiException.badRequest("Unsupported input item type '" + type + "' at '" + at
                    + ".type'. Caravan accepts message, function_call, function_call_output and reasoning items.",
                    at + ".type", "unsupported_value");
        }
    }

    private static void part(JsonNode p, String at) {
        String type = p.path("type").asText("");
        switch (type) {
            case "input_text", "output_text", "refusal" -> {
                if (!p.path("text").isTextual() && !p.path("refusal").isTextual()) {
                    throw ApiException.badRequest("'" + at + ".text' must be a string.", at + ".text",
                            "invalid_type");
                }
            }
            case "input_image" -> {
                if (!p.path("image_url").isTextual()) {
                    throw ApiException.badRequest("'" + at + ".image_url' must be a URL or a data URL (file_id "
                            + "images are not supported).", at + ".image_url", "invalid_value");
                }
            }
            default -> throw ApiException.badRequest("Unsupported content part type '" + type + "' at '" + at
                    + ".type'. Caravan accepts input_text, input_image and output_text.", at + ".type",
                    "unsupported_value");
        }
    }

    private static void text(ObjectNode o, String field, String at) {
        if (!o.path(field).isTextual()) {
            throw ApiException.badRequest("'" + at + "." + field + "' must be a string.", at + "." + field,
                    o.has(field) ? "invalid_type" : "missing_required_parameter");
        }
    }

    /**
     * Validated items → chat messages, appended to {@code out}. Consecutive function_call items join one assistant
     * message (parallel calls). Returns whether a reasoning item was left out.
     */
    static boolean messages(ArrayNode items, ArrayNode out) {
        boolean droppedReasoning = false;
        ObjectNode toolTurn = null;
        for (JsonNode it : items) {
            String type = it.path("type").asText();
            if ("function_call".equals(type)) {
                if (toolTurn == null) {
                    toolTurn = out.addObject();
                    toolTurn.put("role", "assistant");
                    toolTurn.putNull("content");
                    toolTurn.putArray("tool_calls");
                }
                ObjectNode tc = ((ArrayNode) toolTurn.get("tool_calls")).addObject();
                tc.put("id", it.get("call_id").asText());
                tc.put("type", "function");
                ObjectNode fn = tc.putObject("function");
                fn.put("name", it.get("name").asText());
                fn.put("arguments", it.get("arguments").asText());
                continue;
            }
            toolTurn = null;
            switch (type) {
                case "function_call_output" -> {
                    ObjectNode m = out.addObject();
                    m.put("role", "tool");
                    m.put("tool_call_id", it.get("call_id").asText());
                    JsonNode o = it.get("output");
                    m.put("content", o.isTextual() ? o.asText() : joinText(o));
                }
                case "reasoning" -> droppedReasoning = true;
                default -> out.add(chatMessage(it));
            }
        }
        return droppedReasoning;
    }

    private static ObjectNode chatMessage(JsonNode it) {
        String role = it.get("role").asText();
        ObjectNode m = Json.NODES.objectNode();
        m.put("role", role);
        JsonNode content = it.get("content");
        boolean textOnly = true;
        for (JsonNode p : content) {
            textOnly &= !"input_image".equals(p.path("type").asText());
        }
        if (textOnly && content.size() == 1) {
            m.put("content", joinText(content));
            return m;
        }
        ArrayNode parts = m.putArray("content");
        for (JsonNode p : content) {
            ObjectNode cp = parts.addObject();
            if ("input_image".equals(p.path("type").asText())) {
                cp.put("type", "image_url");
                ObjectNode url = cp.putObject("image_url");
                url.put("url", p.get("image_url").asText());
                if (p.path("detail").isTextual()) {
                    url.put("detail", p.get("detail").asText());
                }
            } else {
                cp.put("type", "text");
                cp.put("text", p.path("text").isTextual() ? p.get("text").asText() : p.path("refusal").asText());
            }
        }
        return m;
    }

    private static String joinText(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) {
            sb.append(p.path("text").isTextual() ? p.get("text").asText() : p.path("refusal").asText(""));
        }
        return sb.toString();
    }
}
