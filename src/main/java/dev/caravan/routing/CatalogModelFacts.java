package dev.caravan.routing;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

import dev.caravan.catalog.ModelInfo;
import dev.caravan.catalog.PriceCatalog;
import dev.caravan.catalog.Rates;

/**
 * Routing's view of the price catalog: a deployment without its own {@code contextWindow}, {@code capabilities} or
 * prices takes them from the catalog entry of its provider and model ({@code catalog/models.yaml} with
 * {@code config/models.yaml} on top, so an edit of that file is seen by the next request). A model the catalog does
 * not know, or knows without the fact asked for, yields empty: unknown facts never exclude a deployment.
 */
public final class CatalogModelFacts implements ModelFacts {

    private final PriceCatalog catalog;
    private final Clock clock;

    public CatalogModelFacts(PriceCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public OptionalLong contextWindow(String provider, String model) {
        return catalog.find(provider, model).map(ModelInfo::contextWindow)
                .map(w -> OptionalLong.of(w.longValue())).orElse(OptionalLong.empty());
    }

    /**
     * The entry's capabilities, only when they describe the model's interface (the curated entries list
     * {@code tools}, {@code vision} or a JSON mode); a list with only pricing facts such as {@code prompt_caching}
     * says nothing about tools or images and is treated as unknown. {@code image_input} counts as {@code vision}.
     */
    @Override
    public Optional<Set<String>> capabilities(String provider, String model) {
        return catalog.find(provider, model).map(m -> m.capabilities().stream().map(c -> c.toLowerCase(Locale.ROOT))
                .map(c -> c.equals("image_input") ? "vision" : c).collect(Collectors.toSet())).filter(caps -> caps.contains("tools") || caps.contains("vision") || caps.contains("json_schema")
                || caps.contains("json_object"));
    }

    /** The base-tier text rates in force now (dated price changes and time-of-day windows applied). */
    @Override
    public Optional<Price> price(String provider, String model) {
        return catalog.priced(provider, model).map(m -> {
            Rates r = m.ratesAt(clock.instant(), 0);
            return new Price(r.input().doubleValue(), r.output().doubleValue());
        });
    }
}
