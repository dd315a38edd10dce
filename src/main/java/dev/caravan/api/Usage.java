package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI {@code CompletionUsage}. {@code cached_tokens} and {@code cache_write_tokens} are parts of
 * {@code prompt_tokens}; {@code reasoning_tokens} is a part of {@code completion_tokens}.
 */
public record Usage(Long promptTokens, Long completionTokens, Long totalTokens,
        PromptDetails promptTokensDetails, CompletionDetails completionTokensDetails,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Usage {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static Usage of(long prompt, long completion) {
        return new Usage(prompt, completion, prompt + completion, null, null, null);
    }

    public long prompt() {
        return promptTokens == null ? 0 : promptTokens;
    }

    public long completion() {
        return completionTokens == null ? 0 : completionTokens;
    }

    public long cached() {
        return promptTokensDetails == null || promptTokensDetails.cachedTokens() == null ? 0
                : promptTokensDetails.cachedTokens();
    }

    public long cacheWrite() {
        return promptTokensDetails == null || promptTokensDetails.cacheWriteTokens() == null ? 0
                : promptTokensDetails.cacheWriteTokens();
    }

    public long reasoning() {
        return completionTokensDetails == null || completionTokensDetails.reasoningTokens() == null ? 0
                : completionTokensDetails.reasoningTokens();
    }

    public record PromptDetails(Long cachedTokens, Long cacheWriteTokens, Long audioTokens,
            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public PromptDetails {
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }
    }

    public record CompletionDetails(Long reasoningTokens, Long audioTokens, Long acceptedPredictionTokens,
            Long rejectedPredictionTokens, @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {
        public CompletionDetails {
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }
    }
}
