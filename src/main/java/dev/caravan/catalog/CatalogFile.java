package dev.caravan.catalog;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The document of {@code catalog/models.yaml} and {@code config/models.yaml}.
 *
 * @param snapshot  where the generated prices come from (absent in the user's file)
 * @param providers per-provider rules: {@code fallback} lists providers whose entries answer for models this one
 *                  does not list (Azure serves OpenAI's models under their names)
 * @param models    the entries
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"snapshot", "providers", "models"})
public record CatalogFile(Snapshot snapshot, Map<String, ProviderRules> providers, List<ModelInfo> models) {

    public CatalogFile {
        providers = providers == null ? Map.of() : providers;
        models = models == null ? List.of() : models;
    }

    /** The price data a generated catalog was built from. */
    public record Snapshot(String source, String commit, String date, String license) {
    }

    public record ProviderRules(List<String> fallback, List<String> pricingUrls) {
        public ProviderRules {
            fallback = fallback == null ? List.of() : fallback;
            pricingUrls = pricingUrls == null ? List.of() : pricingUrls;
        }
    }
}
