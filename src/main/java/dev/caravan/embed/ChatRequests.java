package dev.caravan.embed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;

/**
 * Builds the chat completion request of an embedded call from the host's body and the kamelet's parameters. A body
 * that is a JSON object (text, Map, JsonNode) is a whole request; anything else is the user's prompt. Parameters
 * fill what the request leaves out ({@code model}, {@code temperature}, {@code max_tokens}) and
 * {@code systemPrompt} becomes the first message. Embedded calls are never streamed.
 */
final class ChatRequests {

    private ChatRequests() {
    }

    static ObjectNode build(Object body, String model, String systemPrompt, Double temperature, Integer maxTokens)
            throws IOException {
        if (body instanceof InputStream || body instanceof byte[]) {
            body = text(body);
        }
        ObjectNode req = asRequest(body);
        if (req == null) {
            req = Json.NODES.objectNode();
            req.putArray("messages").addObject().put("role", "user").put("content", text(body));
        }
        if (!req.hasNonNull("model") && model != null) {
            req.put("model", model);
        }
        if (!req.hasNonNull("temperature") && temperature != null) {
            req.put("temperature", temperature);
        }
        if (!req.hasNonNull("max_tokens") && !req.hasNonNull("max_completion_tokens") && maxTokens != null) {
            req.put("max_tokens", maxTokens);
        }
        if (systemPrompt != null && req.get("messages") instanceof ArrayNode messages) {
            messages.insertObject(0).put("role", "system").put("content", systemPrompt);
        }
        req.remove("stream");
        req.remove("stream_options");
        return req;
    }

    private static ObjectNode asRequest(Object body) throws IOException {
        if (body instanceof ObjectNode o) {
            return o.deepCopy();
        }
        if (body instanceof Map<?, ?> m) {
            return Json.MAPPER.valueToTree(m);
        }
        if (body instanceof String s && s.trim().startsWith("{")) {
            JsonNode n = Json.MAPPER.readTree(s);
            if (n instanceof ObjectNode o && o.has("messages")) {
                return o;
            }
        }
        return null;
    }

    private static String text(Object body) throws IOException {
        if (body == null) {
            throw ApiException.badRequest("The message body is empty; send a prompt or a chat completion request.",
                    "messages", "missing_required_parameter");
        }
        if (body instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (body instanceof InputStream in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return body.toString();
    }
}
