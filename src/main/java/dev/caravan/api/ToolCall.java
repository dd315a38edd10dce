package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool call in an assistant message, or a fragment of one in a stream delta ({@code index} set, the other
 * fields only in the first fragment of each call).
 */
public record ToolCall(Integer index, String id, String type, FunctionCall function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ToolCall {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(null, id, "function", new FunctionCall(name, arguments), null);
    }
}
