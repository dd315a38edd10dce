package dev.caravan.api;

import java.util.Iterator;
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

    /**
     * Reads a usage object with plain counts (integers or null, the two detail objects, any other fields kept in
     * {@link #extra}) without Jackson's data binding, which costs more than the rest of reading a reply's usage;
     * null when the object holds anything else (a count as a string or a fraction), which data binding then reads.
     */
    public static Usage fromPlainTree(JsonNode u) {
        try {
            Long prompt = null;
            Long completion = null;
            Long total = null;
            PromptDetails pd = null;
            CompletionDetails cd = null;
            Map<String, JsonNode> extra = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = u.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "prompt_tokens" -> prompt = count(v);
                    case "completion_tokens" -> completion = count(v);
                    case "total_tokens" -> total = count(v);
                    case "prompt_tokens_details" -> pd = v.isNull() ? null : promptDetails(object(v));
                    case "completion_tokens_details" -> cd = v.isNull() ? null : completionDetails(object(v));
                    default -> extra.put(e.getKey(), v);
                }
            }
            return new Usage(prompt, completion, total, pd, cd, extra);
        } catch (NotPlain e) {
            return null;
        }
    }

    private static PromptDetails promptDetails(JsonNode d) {
        Long cached = null;
        Long write = null;
        Long audio = null;
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "cached_tokens" -> cached = count(e.getValue());
                case "cache_write_tokens" -> write = count(e.getValue());
                case "audio_tokens" -> audio = count(e.getValue());
                default -> extra.put(e.getKey(), e.getValue());
            }
        }
        return new PromptDetails(cached, write, audio, extra);
    }

    private static CompletionDetails completionDetails(JsonNode d) {
        Long reasoning = null;
        Long audio = null;
        Long accepted = null;
        Long rejected = null;
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "reasoning_tokens" -> reasoning = count(e.getValue());
                case "audio_tokens" -> audio = count(e.getValue());
                case "accepted_prediction_tokens" -> accepted = count(e.getValue());
                case "rejected_prediction_tokens" -> rejected = count(e.getValue());
                default -> extra.put(e.getKey(), e.getValue());
            }
        }
        return new CompletionDetails(reasoning, audio, accepted, rejected, extra);
    }

    private static Long count(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        throw new NotPlain();
    }

    private static JsonNode object(JsonNode v) {
        if (!v.isObject()) {
            throw new NotPlain();
        }
        return v;
    }

    /** A field the plain reading leaves to data binding. */
    private static final class NotPlain extends RuntimeException {
        NotPlain() {
            super(null, null, false, false);
        }
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
