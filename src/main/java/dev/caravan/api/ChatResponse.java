package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** OpenAI {@code chat.completion}; native translators build it, OpenAI-compatible upstreams send it. */
public record ChatResponse(String id, String object, long created, String model, List<Choice> choices, Usage usage,
        String systemFingerprint, String serviceTier,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChatResponse {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    /** One choice. {@code logprobs} and {@code finish_reason} are required and nullable in OpenAI's schema. */
    public record Choice(int index, Message message, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public Choice {
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }
    }
}
