package dev.caravan.catalog;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Usage;

/**
 * The tokens of one call by kind, in OpenAI's nesting: {@code cached}, {@code cacheWrite} and {@code audioIn} are
 * parts of {@code prompt}; {@code reasoning} and {@code audioOut} are parts of {@code completion}.
 */
public record TokenCounts(long prompt, long cached, long cacheWrite, long audioIn, long completion, long reasoning,
        long audioOut) {

    public static final TokenCounts NONE = new TokenCounts(0, 0, 0, 0, 0, 0, 0);

    public static TokenCounts of(long prompt, long completion) {
        return new TokenCounts(prompt, 0, 0, 0, completion, 0, 0);
    }

    public static TokenCounts of(Usage u) {
        if (u == null) {
            return NONE;
        }
        long audioIn = u.promptTokensDetails() == null || u.promptTokensDetails().audioTokens() == null ? 0
                : u.promptTokensDetails().audioTokens();
        long audioOut = u.completionTokensDetails() == null || u.completionTokensDetails().audioTokens() == null ? 0
                : u.completionTokensDetails().audioTokens();
        long cacheWrite = u.cacheWrite();
        if (cacheWrite == 0 && u.promptTokensDetails() != null) {
            // some OpenAI-compatible providers name it cache_creation_tokens
            JsonNode n = u.promptTokensDetails().extra().get("cache_creation_tokens");
            cacheWrite = n == null ? 0 : n.asLong();
        }
        return new TokenCounts(u.prompt(), u.cached(), cacheWrite, audioIn, u.completion(), u.reasoning(), audioOut);
    }

    public long total() {
        return prompt + completion;
    }
}
