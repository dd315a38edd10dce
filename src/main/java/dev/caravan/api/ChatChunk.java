package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** OpenAI {@code chat.completion.chunk}: one streamed event. */
public record ChatChunk(String id, String object, long created, String model, List<Choice> choices, Usage usage,
        String systemFingerprint, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion.chunk";

    public ChatChunk {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ChatChunk of(String id, long created, String model, Choice choice) {
        return new ChatChunk(id, OBJECT, created, model, List.of(choice), null, null, null);
    }

    /** The final usage chunk: {@code choices} is empty by OpenAI's definition. */
    public static ChatChunk usage(String id, long created, String model, Usage usage) {
        return new ChatChunk(id, OBJECT, created, model, List.of(), usage, null, null);
    }

    public record Choice(int index, Message delta, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public Choice {
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }

        public static Choice delta(int index, Message delta, String finishReason) {
            return new Choice(index, delta, null, finishReason, null);
        }
    }
}
