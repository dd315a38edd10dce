package dev.caravan.responses;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;

/**
 * One {@code POST /v1/responses} body, validated, and its translation to a Chat Completions request for providers
 * that do not serve the Responses API natively. Fields a translation cannot honour are collected in
 * {@link #refused()} (field → reason), not thrown here: whether they matter depends on the provider the router
 * picks ({@link ResponsesGate} refuses them with a 400 on a translated provider; a native provider gets them).
 *
 * @param body       the client's body as sent
 * @param model      the model asked for
 * @param stream     stream flag
 * @param store      keep the response in Caravan's store (default true, as OpenAI)
 * @param previousId previous_response_id, or null
 * @param newItems   the client's input as items (validated)
 * @param refused    fields a translation cannot honour, with the reason
 */
public record ResponsesRequest(ObjectNode body, String model, boolean stream, boolean store, String previousId,
        ArrayNode newItems, Map<String, String> refused) {

    /** Built-in tools: served only by a provider with the Responses API. */
    static final Set<String> FUNCTION_TOOL = Set.of("function");

    /** Top-level fields the chat translation maps or Caravan handles itself. */
    private static final Set<String> TRANSLATED = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "text", "reasoning", "max_output_tokens", "temperature", "top_p", "stream", "store",
            "previous_response_id", "metadata", "user", "parallel_tool_calls", "safety_identifier",
            "prompt_cache_key", "stream_options", "service_tier", "truncation", "include", "background");

    public static ResponsesRequest parse(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ApiException.badRequest("You must provide a model parameter.", "model",
                    "missing_required_parameter");
        }
        boolean stream = bool(body, "stream", false);
        boolean store = bool(body, "store", true);
        JsonNode prev = body.get("previous_response_id");
        if (prev != null && !prev.isNull() && !prev.isTextual()) {
            throw ApiException.badRequest("Invalid type for 'previous_response_id': expected a string.",
                    "previous_response_id", "invalid_type");
        }
        if (bool(body, "background", false)) {
            throw ApiException.badRequest("'background' is not supported by Caravan: responses run in the "
                    + "foreground (use stream for long answers).", "background", "unsupported_parameter");
        }
        ArrayNode items = ResponsesInput.items(body.get("input"));
        text(body, "instructions");
        text(body, "user");
        number(body, "temperature");
        number(body, "top_p");
        number(body, "max_output_tokens");
        if (body.has("metadata") && !body.get("metadata").isNull() && !body.get("metadata").isObject()) {
            throw ApiException.badRequest("Invalid type for 'metadata': expected an object.", "metadata",
                    "invalid_type");
        }
        Map<String, String> refused = new LinkedHashMap<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!TRANSLATED.contains(f)) {
                refused.put(f, "'" + f + "' has no Chat Completions equivalent");
            }
        });
        ResponsesTools.check(body, refused);
        JsonNode include = body.get("include");
        if (include != null && include.isArray() && !include.isEmpty()) {
            refused.put("include", "'include' asks for output only the Responses API produces");
        }
        JsonNode trunc = body.get("truncation");
        if (trunc != null && trunc.isTextual() && !"disabled".equals(trunc.asText())) {
            refused.put("truncation", "truncation '" + trunc.asText() + "' is done by the Responses API itself");
        }
        return new ResponsesRequest(body, model.asText(), stream, store,
                prev == null || prev.isNull() ? null : prev.asText(), items, refused);
    }

    /**
     * The Chat Completions request for the whole conversation: {@code instructions} as a system message, then
     * {@code history} (stored items of previous responses) and this request's input. Sets
     * {@code droppedReasoning[0]} when reasoning items were left out.
     */
    public ObjectNode toChat(ArrayNode history, boolean[] droppedReasoning) {
        ObjectNode chat = Json.NODES.objectNode();
        chat.put("model", model);
        ArrayNode messages = chat.putArray("messages");
        if (body.path("instructions").isTextual()) {
            ObjectNode sys = messages.addObject();
            sys.put("role", "system");
            sys.put("content", body.get("instructions").asText());
        }
        ArrayNode all = Json.NODES.arrayNode();
        all.addAll(history);
        all.addAll(newItems);
        droppedReasoning[0] = ResponsesInput.messages(all, messages);
        if (stream) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true);
        }
        copy(body, "temperature", chat, "temperature");
        copy(body, "top_p", chat, "top_p");
        copy(body, "max_output_tokens", chat, "max_completion_tokens");
        copy(body, "parallel_tool_calls", chat, "parallel_tool_calls");
        copy(body, "metadata", chat, "metadata");
        copy(body, "user", chat, "user");
        if (!chat.has("user")) {
            copy(body, "safety_identifier", chat, "user");
        }
        JsonNode effort = body.path("reasoning").path("effort");
        if (effort.isTextual()) {
            chat.put("reasoning_effort", effort.asText());
        }
        ResponsesTools.toChat(body, chat);
        ResponsesTools.format(body, chat);
        return chat;
    }

    private static void copy(ObjectNode from, String f, ObjectNode to, String as) {
        JsonNode v = from.get(f);
        if (v != null && !v.isNull()) {
            to.set(as, v);
        }
    }

    private static boolean bool(ObjectNode body, String f, boolean def) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("Invalid type for '" + f + "': expected a boolean.", f, "invalid_type");
        }
        return v.asBoolean();
    }

    private static void text(ObjectNode body, String f) {
        JsonNode v = body.get(f);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw ApiException.badRequest("Invalid type for '" + f + "': expected a string.", f, "invalid_type");
        }
    }

    private static void number(ObjectNode body, String f) {
        JsonNode v = body.get(f);
        if (v != null && !v.isNull() && !v.isNumber()) {
            throw ApiException.badRequest("Invalid type for '" + f + "': expected a number.", f, "invalid_type");
        }
    }
}
