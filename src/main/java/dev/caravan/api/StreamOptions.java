package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

public record StreamOptions(Boolean includeUsage, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public StreamOptions {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }
}
