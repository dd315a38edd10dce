package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code response_format}: text, json_object, or json_schema with {@code {name, description, schema, strict}}. */
public record ResponseFormat(String type, JsonSchema jsonSchema) {

    public record JsonSchema(String name, String description, JsonNode schema, Boolean strict) {
    }
}
