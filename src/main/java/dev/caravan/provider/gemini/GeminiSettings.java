package dev.caravan.provider.gemini;

import dev.caravan.provider.ModelPatterns;

/**
 * What the pure translation functions need from the provider's configuration.
 *
 * @param thinkingLevelModels models that take {@code thinkingLevel} (Gemini 3) instead of a {@code thinkingBudget}
 * @param signatureModels     models that validate thought signatures on replayed function calls (Gemini 3): a call
 *                            without one gets Google's documented placeholder
 */
public record GeminiSettings(ModelPatterns thinkingLevelModels, ModelPatterns signatureModels) {
}
