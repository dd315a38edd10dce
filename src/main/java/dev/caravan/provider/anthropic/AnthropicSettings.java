package dev.caravan.provider.anthropic;

import dev.caravan.provider.ModelPatterns;

/**
 * What the pure translation functions need from the provider's configuration.
 *
 * @param defaultMaxTokens       {@code max_tokens} when the client sends no cap (Anthropic requires the field)
 * @param adaptiveThinkingModels models that take {@code thinking:{type:"adaptive"}} plus {@code output_config.effort}
 *                               instead of a token budget, and reject temperature, top_p and top_k (Claude Opus 4.7
 *                               and later)
 */
public record AnthropicSettings(int defaultMaxTokens, ModelPatterns adaptiveThinkingModels) {
}
