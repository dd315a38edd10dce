package dev.caravan.provider.anthropic;

import dev.caravan.provider.ModelPatterns;
import dev.caravan.provider.ProviderConfig;

/**
 * The Anthropic provider's settings: the common ones ({@link ProviderConfig}) plus the API version header, the
 * {@code max_tokens} sent when the client gives no cap (Anthropic requires one), and which models use adaptive
 * thinking and reject sampling parameters. Properties {@code caravan.provider.anthropic.version},
 * {@code .default-max-tokens} and {@code .adaptive-thinking-models} win over the route file's values.
 */
public class AnthropicConfig extends ProviderConfig {

    private String anthropicVersion = "2023-06-01";
    private int defaultMaxTokens = 4096;
    private String adaptiveThinkingModels = "";
    private AnthropicSettings settings;

    @Override
    protected void initProvider() {
        String prefix = "caravan.provider." + name() + ".";
        anthropicVersion = prop(prefix + "version").orElse(anthropicVersion);
        defaultMaxTokens = prop(prefix + "default-max-tokens").map(Integer::parseInt).orElse(defaultMaxTokens);
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("default-max-tokens must be at least 1, got " + defaultMaxTokens);
        }
        adaptiveThinkingModels = prop(prefix + "adaptive-thinking-models").orElse(adaptiveThinkingModels);
        settings = new AnthropicSettings(defaultMaxTokens, ModelPatterns.parse(adaptiveThinkingModels));
    }

    public String anthropicVersion() {
        return anthropicVersion;
    }

    public AnthropicSettings settings() {
        return settings;
    }

    public void setAnthropicVersion(String anthropicVersion) {
        this.anthropicVersion = anthropicVersion;
    }

    public void setDefaultMaxTokens(int defaultMaxTokens) {
        this.defaultMaxTokens = defaultMaxTokens;
    }

    public void setAdaptiveThinkingModels(String adaptiveThinkingModels) {
        this.adaptiveThinkingModels = adaptiveThinkingModels;
    }
}
