package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/** A tool definition: {@code {type:"function", function:{name, description, parameters, strict}}}. */
public record Tool(String type, Function function, JsonNode cacheControl,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Tool {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public record Function(String name, String description, JsonNode parameters, Boolean strict) {
    }
}
