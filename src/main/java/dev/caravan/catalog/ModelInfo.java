package dev.caravan.catalog;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One model of one provider in the price catalog ({@code catalog/models.yaml}, {@code config/models.yaml}).
 *
 * @param provider      Caravan's provider name ({@code openai}, {@code gemini}, ...)
 * @param model         the model id as the provider's API names it
 * @param name          display name
 * @param match         other names (snapshots, aliases) priced like this entry
 * @param contextWindow tokens of prompt + completion the model accepts, null when unknown
 * @param maxOutput     most completion tokens one call may produce, null when unknown
 * @param capabilities  e.g. {@code tools}, {@code vision}, {@code reasoning}, {@code prompt_caching}
 * @param prices        the rates (base tier, before any dated change)
 * @param tiers         rates that apply to a whole call once its prompt exceeds {@link Tier#above()} tokens
 * @param priceChanges  rates in force from a date on (UTC), oldest first
 * @param timeWindows   rates in force during a time of day (UTC), e.g. off-peak discounts
 * @param sameAs        {@code provider/model} whose entry supplies whatever this one leaves out (overrides only)
 * @param deprecated    the provider has retired or is retiring the model
 * @param source        where the prices come from
 * @param asOf          when they were last checked (ISO date)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"provider", "model", "name", "match", "context_window", "max_output", "capabilities", "prices",
    "tiers", "price_changes", "time_windows", "same_as", "deprecated", "source", "as_of"})
public record ModelInfo(String provider, String model, String name, Match match, Integer contextWindow,
        Integer maxOutput, List<String> capabilities, Rates prices, List<Tier> tiers, List<PriceChange> priceChanges,
        List<TimeWindow> timeWindows, String sameAs, Boolean deprecated, String source, String asOf) {

    /** A price that applies to every token of a call whose prompt has more than {@code above} tokens. */
    public record Tier(long above, Rates prices) {
    }

    /** Rates (and their tiers) in force from {@code from} (UTC date) on. */
    public record PriceChange(LocalDate from, Rates prices, List<Tier> tiers) {
        public PriceChange {
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }
    }

    /** Rates in force between {@code from} (inclusive) and {@code to} (exclusive), UTC time of day. */
    public record TimeWindow(LocalTime from, LocalTime to, Rates prices) {
        boolean contains(LocalTime t) {
            return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        }
    }

    public ModelInfo {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        tiers = tiers == null ? List.of() : List.copyOf(tiers);
        priceChanges = priceChanges == null ? List.of() : List.copyOf(priceChanges);
        timeWindows = timeWindows == null ? List.of() : List.copyOf(timeWindows);
    }

    /** True when the entry has a price (a model without one is served, but its cost is unknown). */
    @JsonIgnore
    public boolean isPriced() {
        return prices != null && !prices.isEmpty();
    }

    /**
     * The rates for a call made at {@code at} whose prompt has {@code promptTokens} tokens: the dated change in
     * force, then a time-of-day window, then the tier the prompt falls in. Every text rate is set.
     */
    public Rates ratesAt(Instant at, long promptTokens) {
        ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
        Rates base = prices;
        List<Tier> t = tiers;
        for (PriceChange c : priceChanges) {
            if (!c.from().isAfter(utc.toLocalDate())) {
                base = c.prices().over(base);
                t = c.tiers();
            }
        }
        LocalTime time = utc.toLocalTime();
        for (TimeWindow w : timeWindows) {
            if (w.contains(time)) {
                base = w.prices().over(base);
                t = List.of();
            }
        }
        Rates r = base;
        for (Tier tier : t) {
            if (promptTokens > tier.above()) {
                r = tier.prices().over(base);
            }
        }
        return r.completed();
    }

    /** {@code model} in lower case, for lookups. */
    String key() {
        return model.toLowerCase(Locale.ROOT);
    }

    /** This entry with every field {@code over} sets replacing its own (an override from config/models.yaml). */
    ModelInfo overriddenBy(ModelInfo o) {
        return new ModelInfo(provider, model, o.name != null ? o.name : name,
                o.match != null && !o.match.isEmpty() ? o.match : match,
                o.contextWindow != null ? o.contextWindow : contextWindow,
                o.maxOutput != null ? o.maxOutput : maxOutput,
                !o.capabilities.isEmpty() ? o.capabilities : capabilities,
                o.prices != null ? o.prices.over(prices) : prices,
                !o.tiers.isEmpty() ? o.tiers : o.prices != null ? List.of() : tiers,
                !o.priceChanges.isEmpty() ? o.priceChanges : o.prices != null ? List.of() : priceChanges,
                !o.timeWindows.isEmpty() ? o.timeWindows : o.prices != null ? List.of() : timeWindows,
                null, o.deprecated != null ? o.deprecated : deprecated,
                o.source != null ? o.source : source, o.asOf != null ? o.asOf : asOf);
    }
}
