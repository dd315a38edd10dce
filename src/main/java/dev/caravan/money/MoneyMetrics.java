package dev.caravan.money;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Counters of the money path. Always counted (cheap {@link LongAdder}s, shown by {@code GET /admin/spend/metrics});
 * {@link #bindTo} exports them to a Micrometer registry, e.g. the one behind {@code /metrics}, as
 * {@code caravan_cost_unknown_total}, {@code caravan_cost_usd_total}, {@code caravan_rate_limited_total}, ...
 */
public final class MoneyMetrics implements MeterBinder {

    public final LongAdder costUnknown = new LongAdder();
    public final LongAdder costUnits = new LongAdder();
    public final LongAdder rateLimitedRequests = new LongAdder();
    public final LongAdder rateLimitedTokens = new LongAdder();
    public final LongAdder budgetRefused = new LongAdder();
    public final LongAdder priceRefused = new LongAdder();
    public final LongAdder cacheHits = new LongAdder();
    public final LongAdder cacheMisses = new LongAdder();
    public final LongAdder ledgerQueued = new LongAdder();
    public final LongAdder ledgerWritten = new LongAdder();
    public final LongAdder ledgerDropped = new LongAdder();
    public final LongAdder ledgerFailedBatches = new LongAdder();
    public final LongAdder alertsSent = new LongAdder();
    public final LongAdder alertsFailed = new LongAdder();

    private record Counter(String name, String help, LongAdder adder) {
    }

    private java.util.List<Counter> counters() {
        return java.util.List.of(
                new Counter("caravan.cost.unknown", "calls whose model has no price (cost null)", costUnknown),
                new Counter("caravan.cost.usd", "USD charged to clients", costUnits),
                new Counter("caravan.rate.limited.requests", "calls refused by an RPM limit", rateLimitedRequests),
                new Counter("caravan.rate.limited.tokens", "calls refused by a TPM limit", rateLimitedTokens),
                new Counter("caravan.budget.refused", "calls refused: budget exhausted", budgetRefused),
                new Counter("caravan.pricing.refused", "calls refused: no price and require-known", priceRefused),
                new Counter("caravan.cache.hits", "response cache hits", cacheHits),
                new Counter("caravan.cache.misses", "response cache misses", cacheMisses),
                new Counter("caravan.ledger.queued", "ledger rows queued", ledgerQueued),
                new Counter("caravan.ledger.written", "ledger rows written", ledgerWritten),
                new Counter("caravan.ledger.dropped", "ledger rows lost (queue full)", ledgerDropped),
                new Counter("caravan.ledger.failed.batches", "ledger batches written to the fallback file",
                        ledgerFailedBatches),
                new Counter("caravan.budget.alerts.sent", "budget alert webhooks delivered", alertsSent),
                new Counter("caravan.budget.alerts.failed", "budget alert webhooks given up", alertsFailed));
    }

    /** Exported by the gateway's own metrics with model, key and tenant labels; not exported twice. */
    private static final java.util.Set<String> EXPORTED_ELSEWHERE = java.util.Set.of("caravan.cost.usd",
            "caravan.cache.hits", "caravan.cache.misses");

    /**
     * Exports the counters to {@code registry}, except cost and cache hits/misses, which
     * {@code GatewayMetrics} exports with labels under the same names ({@code caravan_cost_usd_total},
     * {@code caravan_cache_hits_total}, ...).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (Counter c : counters()) {
            if (EXPORTED_ELSEWHERE.contains(c.name())) {
                continue;
            }
            boolean usd = c.adder() == costUnits;
            FunctionCounter.builder(c.name(), c.adder(), a -> usd ? a.sum() / 1e10 : a.sum()).description(c.help())
                    .register(registry);
        }
    }

    /** Current values, for the admin API. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Counter c : counters()) {
            long v = c.adder().sum();
            out.put(c.name().replace('.', '_') + "_total", c.adder() == costUnits ? Money.usd(v) : v);
        }
        return out;
    }
}
