package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI {@code CreateChatCompletionRequest}, typed where Caravan or a native translator reads a field.
 * {@code stop} and {@code tool_choice} keep their JSON form (string or array / string or object). Fields not
 * listed here survive in {@link #extra()} and pass through to OpenAI-compatible upstreams.
 */
public record ChatRequest(String model, List<Message> messages, Boolean stream, StreamOptions streamOptions,
        Double temperature, Double topP, Integer topK, Integer n, Integer maxTokens, Integer maxCompletionTokens,
        JsonNode stop, List<Tool> tools, JsonNode toolChoice, Boolean parallelToolCalls,
        ResponseFormat responseFormat, String reasoningEffort, Long seed, Double frequencyPenalty,
        Double presencePenalty, String user, JsonNode metadata,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChatRequest {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public boolean isStream() {
        return Boolean.TRUE.equals(stream);
    }

    public boolean includeUsage() {
        return streamOptions != null && Boolean.TRUE.equals(streamOptions.includeUsage());
    }

    /** The output cap the client asked for, whichever of the two fields it used. */
    public Integer outputCap() {
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }

    /** {@code stop} as a list, whether it was sent as one string or an array. */
    public List<String> stopSequences() {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        stop.forEach(n -> out.add(n.asText()));
        return out;
    }
}
