package dev.caravan.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Message;
import dev.caravan.error.ApiException;

/**
 * Parses the body of {@code POST /v1/chat/completions} once, into the raw tree and the typed
 * {@link ChatRequest}, and validates what every provider needs. Anything malformed is a 400 that names the
 * offending parameter; the body becomes the {@link ChatRequest}.
 */
public final class ChatRequestParser implements Processor {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        JsonNode root;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            root = in == null ? null : Json.readRequest(in);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request body is not valid JSON: " + location(e), null,
                    "invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.badRequest("The request body is empty; send a JSON chat completion request.", null,
                    "invalid_json");
        }
        if (!(root instanceof ObjectNode tree)) {
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        ChatRequest req = typed(tree);
        validate(req);
        call.request(tree, req);
        exchange.getMessage().setBody(req);
    }

    private static ChatRequest typed(ObjectNode tree) {
        try {
            return Json.MAPPER.treeToValue(tree, ChatRequest.class);
        } catch (MismatchedInputException e) {
            String path = path(e.getPath());
            throw ApiException.badRequest("Invalid type for '" + path + "': expected " + expected(e.getTargetType())
                    + ".", path, "invalid_type");
        } catch (JsonMappingException e) {
            String path = path(e.getPath());
            throw ApiException.badRequest("Invalid value for '" + path + "'.", path, "invalid_value");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.", null, "invalid_json");
        }
    }

    static void validate(ChatRequest req) {
        if (req.model() == null || req.model().isBlank()) {
            throw ApiException.badRequest("You must provide a model parameter.", "model", "missing_required_parameter");
        }
        List<Message> messages = req.messages();
        if (messages == null || messages.isEmpty()) {
            throw ApiException.badRequest("'messages' must be a non-empty array.", "messages",
                    messages == null ? "missing_required_parameter" : "empty_array");
        }
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m == null) {
                throw ApiException.badRequest("messages[" + i + "] must be an object.", "messages[" + i + "]",
                        "invalid_type");
            }
            if (m.role() == null || !ROLES.contains(m.role())) {
                throw ApiException.badRequest("messages[" + i + "].role must be one of " + ROLES + ", got "
                        + (m.role() == null ? "nothing" : "'" + m.role() + "'") + ".", "messages[" + i + "].role",
                        "invalid_value");
            }
            if ("tool".equals(m.role()) && (m.toolCallId() == null || m.toolCallId().isBlank())) {
                throw ApiException.badRequest("messages[" + i + "] has role 'tool' but no tool_call_id.",
                        "messages[" + i + "].tool_call_id", "missing_required_parameter");
            }
        }
        if (req.n() != null && req.n() < 1) {
            throw ApiException.badRequest("'n' must be at least 1.", "n", "invalid_value");
        }
    }

    private static String expected(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (java.util.Collection.class.isAssignableFrom(t)) {
            return "an array";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "a boolean";
        }
        if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
            return "a number";
        }
        if (t == dev.caravan.api.Content.class) {
            return "a string or an array of content parts";
        }
        return "an object";
    }

    private static String location(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg.length() > 200) {
            msg = msg.substring(0, 200) + "…";
        }
        return e.getLocation() == null ? msg
                : msg + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
