package dev.caravan.provider;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;

/** Tool-call arguments (OpenAI's JSON string) as the JSON object native APIs require. */
public final class ToolArguments {

    private ToolArguments() {
    }

    /** The arguments as an object; empty means {}; anything else is a 400 naming {@code param}. */
    public static JsonNode object(String args, String param) {
        if (args == null || args.isBlank()) {
            return Json.NODES.objectNode();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(args);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (java.io.IOException e) {
            // reported below
        }
        throw ApiException.badRequest(param + " must be a JSON object.", param, "invalid_value");
    }
}
