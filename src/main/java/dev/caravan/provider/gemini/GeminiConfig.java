package dev.caravan.provider.gemini;

import dev.caravan.provider.ModelPatterns;
import dev.caravan.provider.ProviderConfig;

/**
 * The Gemini provider's settings: the common ones ({@link ProviderConfig}) plus which models think by level and
 * validate thought signatures. Properties {@code caravan.provider.gemini.thinking-level-models} and
 * {@code .signature-models} win over the route file's values.
 */
public class GeminiConfig extends ProviderConfig {

    private String thinkingLevelModels = "gemini-3*";
    private String signatureModels = "gemini-3*";
    private GeminiSettings settings;

    @Override
    protected void initProvider() {
        String prefix = "caravan.provider." + name() + ".";
        thinkingLevelModels = prop(prefix + "thinking-level-models").orElse(thinkingLevelModels);
        signatureModels = prop(prefix + "signature-models").orElse(signatureModels);
        settings = new GeminiSettings(ModelPatterns.parse(thinkingLevelModels), ModelPatterns.parse(signatureModels));
    }

    public GeminiSettings settings() {
        return settings;
    }

    public void setThinkingLevelModels(String thinkingLevelModels) {
        this.thinkingLevelModels = thinkingLevelModels;
    }

    public void setSignatureModels(String signatureModels) {
        this.signatureModels = signatureModels;
    }
}
