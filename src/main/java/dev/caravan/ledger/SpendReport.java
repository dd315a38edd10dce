package dev.caravan.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Spending over a time range, in total and grouped by some of: key, tenant, model, provider, deployment, day, tags.
 *
 * @param by    the grouping, in order
 * @param total every call of the range (and filters)
 * @param rows  one per group, most expensive first
 */
public record SpendReport(List<String> by, Instant since, Instant until, Line total, List<Line> rows) {

    /**
     * One group.
     *
     * @param group          group column → value (absent for the total)
     * @param costUsd        exact sum of the priced calls
     * @param unknownCost    calls whose model has no price (not in {@code costUsd})
     * @param savedUsd       what response-cache hits saved
     */
    public record Line(Map<String, String> group, long requests, BigDecimal costUsd, long unknownCost,
            BigDecimal savedUsd, long promptTokens, long completionTokens, long cacheHits, long errors) {
    }
}
