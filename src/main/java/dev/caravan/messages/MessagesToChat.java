package dev.caravan.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;

/**
 * Pure: an Anthropic Messages request (already checked by {@link MessagesRequest}) → the internal OpenAI Chat
 * Completions request every non-Anthropic provider route translates from. System text becomes the first system
 * message; tool_result blocks become {@code tool} messages (before the rest of their user turn); tool_use blocks
 * become {@code tool_calls}; images become {@code image_url} parts (base64 as data URLs); PDF documents become
 * {@code file} parts. Thinking blocks of earlier turns are not replayed (their signatures only mean something to
 * Anthropic). {@code cache_control} hints are left out: they change caching, never the answer.
 */
public final class MessagesToChat {

    /** false: what only Anthropic serves is left out instead of refused (the request goes to Anthropic natively). */
    private final boolean strict;

    private MessagesToChat(boolean strict) {
        this.strict = strict;
    }

    /**
     * The chat request for {@code in}. {@code strict}: content only Anthropic can serve (server tools, Files API
     * sources, non-text tool results) is a 400 naming the field; otherwise it is left out (for anthropic/* models,
     * which receive the client's body natively and use this translation only for estimates and routing).
     */
    public static ObjectNode translate(ObjectNode in, boolean strict) {
        return new MessagesToChat(strict).chat(in);
    }

    private ObjectNode chat(ObjectNode in) {
        ObjectNode out = Json.NODES.objectNode();
        out.put("model", in.path("model").asText());
        ArrayNode messages = out.putArray("messages");
        String system = MessagesRequest.text(in.get("system"));
        if (system != null && !system.isEmpty()) {
            messages.addObject().put("role", "system").put("content", system);
        }
        JsonNode msgs = in.get("messages");
        for (int i = 0; msgs != null && i < msgs.size(); i++) {
            message(msgs.get(i), "messages[" + i + "]", messages);
        }
        if (in.hasNonNull("max_tokens")) {
            out.put("max_tokens", in.get("max_tokens").asInt());
        }
        copy(in, "temperature", out, "temperature");
        copy(in, "top_p", out, "top_p");
        copy(in, "top_k", out, "top_k");
        copy(in, "stop_sequences", out, "stop");
        if (in.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        MessagesOptions.tools(in, out, strict);
        MessagesOptions.thinking(in.get("thinking"), out);
        MessagesOptions.outputFormat(in.path("output_config").get("format"), out);
        JsonNode user = in.path("metadata").get("user_id");
        if (user != null && user.isTextual()) {
            out.put("user", user.asText());
        }
        return out;
    }

    private static void copy(ObjectNode in, String from, ObjectNode out, String to) {
        JsonNode v = in.get(from);
        if (v != null && !v.isNull()) {
            out.set(to, v);
        }
    }

    // ---- messages ----

    private void message(JsonNode m, String at, ArrayNode out) {
        String role = m.path("role").asText();
        JsonNode content = m.get("content");
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if ("assistant".equals(role)) {
            assistant(content, at, out);
        } else {
            user(content, at, out);
        }
    }

    private void assistant(JsonNode blocks, String at, ArrayNode out) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (int j = 0; j < blocks.size(); j++) {
            JsonNode b = blocks.get(j);
            switch (b.path("type").asText()) {
                case "text" -> text.append(b.path("text").asText());
                case "tool_use" -> {
                    ObjectNode c = calls.addObject();
                    c.put("id", b.path("id").asText());
                    c.put("type", "function");
                    ObjectNode f = c.putObject("function");
                    f.put("name", b.path("name").asText());
                    JsonNode input = b.get("input");
                    f.put("arguments", input == null || input.isNull() ? "{}" : input.toString());
                }
                case "thinking", "redacted_thinking" -> {
                    // signed for Anthropic only; other providers neither need nor accept them
                }
                default -> unsupported(b, at + ".content[" + j + "]");
            }
        }
        ObjectNode msg = out.addObject().put("role", "assistant");
        if (text.length() > 0 || calls.isEmpty()) {
            msg.put("content", text.toString());
        } else {
            msg.putNull("content");
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
    }

    private void user(JsonNode blocks, String at, ArrayNode out) {
        ArrayNode parts = Json.NODES.arrayNode();
        boolean media = false;
        for (int j = 0; j < blocks.size(); j++) {
            JsonNode b = blocks.get(j);
            String where = at + ".content[" + j + "]";
            switch (b.path("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", b.path("text").asText());
                case "image", "document" -> {
                    ObjectNode part = "image".equals(b.path("type").asText()) ? image(b.get("source"), where)
                            : document(b.get("source"), where);
                    if (part != null) {
                        parts.add(part);
                        media = media || !"text".equals(part.path("type").asText());
                    }
                }
                case "tool_result" -> out.addObject().put("role", "tool")
                        .put("tool_call_id", b.path("tool_use_id").asText()).put("content", toolResult(b, where));
                default -> unsupported(b, where);
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode msg = out.addObject().put("role", "user");
        if (media) {
            msg.set("content", parts);
        } else {
            StringBuilder sb = new StringBuilder();
            parts.forEach(p -> sb.append(sb.length() == 0 ? "" : "\n").append(p.path("text").asText()));
            msg.put("content", sb.toString());
        }
    }

    /** A tool result's text (an error result is marked, Chat Completions has no is_error). */
    private String toolResult(JsonNode b, String at) {
        JsonNode c = b.get("content");
        StringBuilder sb = new StringBuilder();
        if (c != null && c.isTextual()) {
            sb.append(c.asText());
        } else if (c != null && c.isArray()) {
            for (int k = 0; k < c.size(); k++) {
                JsonNode part = c.get(k);
                if (!"text".equals(part.path("type").asText())) {
                    if (!strict) {
                        continue;
                    }
                    throw ApiException.badRequest(at + ".content[" + k + "]: tool results of type '"
                            + part.path("type").asText() + "' can only be sent to anthropic/* models; other "
                            + "providers take text tool results.", at, "unsupported_content");
                }
                sb.append(sb.length() == 0 ? "" : "\n").append(part.path("text").asText());
            }
        }
        return b.path("is_error").asBoolean(false) ? "Error: " + sb : sb.toString();
    }

    private ObjectNode image(JsonNode source, String at) {
        String url = url(source, at);
        if (url == null) {
            return null;
        }
        ObjectNode part = Json.NODES.objectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private ObjectNode document(JsonNode source, String at) {
        String type = source.path("type").asText();
        if ("text".equals(type)) {
            return Json.NODES.objectNode().put("type", "text").put("text", source.path("data").asText());
        }
        String url = url(source, at);
        if (url == null) {
            return null;
        }
        ObjectNode part = Json.NODES.objectNode().put("type", "file");
        part.putObject("file").put("filename", "document.pdf").put("file_data", url);
        return part;
    }

    private String url(JsonNode source, String at) {
        return switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> strict ? fail(at + ".source.type: '" + source.path("type").asText()
                    + "' sources (Files API) can only be sent to anthropic/* models.", at + ".source.type") : null;
        };
    }

    private void unsupported(JsonNode b, String at) {
        if (strict) {
            fail(at + ".type: content blocks of type '" + b.path("type").asText()
                    + "' can only be sent to anthropic/* models.", at + ".type");
        }
    }

    private static String fail(String message, String param) {
        throw ApiException.badRequest(message, param, "unsupported_content");
    }
}
