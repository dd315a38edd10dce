package dev.caravan.provider.bedrock;

import dev.caravan.provider.ModelPatterns;

/**
 * What the pure translation functions need from the provider's configuration.
 *
 * @param defaultMaxTokens output cap sent with thinking when the client gives none (the budget comes on top)
 * @param reasoningModels  models (ids or inference profiles) that take Anthropic's {@code thinking} and
 *                         {@code top_k} in {@code additionalModelRequestFields}
 */
public record BedrockSettings(int defaultMaxTokens, ModelPatterns reasoningModels) {
}
