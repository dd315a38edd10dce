package dev.caravan.money;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.caravan.cache.ResponseCache;
import dev.caravan.catalog.Cost;
import dev.caravan.catalog.ModelInfo;
import dev.caravan.catalog.TokenCounts;

/**
 * The money side of one call, attached to its {@code ChatCall} by {@link Admission}: who pays (tenant, tags), what
 * was taken from the rate limits and budgets, the cache decision and, once known, the priced usage. The
 * {@link MeteringListener} settles it exactly once when the call ends.
 */
public final class CallCharge {

    /**
     * Usage with its cost: {@code cost} null when the model has no price; {@code estimated} when the provider sent
     * no usage (a stream cut short) and the tokens were estimated; for a cache hit, cost 0 and {@code saved} what
     * the answer cost when it was first produced (null if that was unknown).
     */
    public record Priced(Cost cost, TokenCounts tokens, ModelInfo model, boolean estimated, boolean cacheHit,
            BigDecimal saved) {

        static Priced nothing() {
            return new Priced(Cost.ZERO, TokenCounts.NONE, null, false, false, null);
        }
    }

    final String tenant;
    final String tags;
    final long promptEstimate;
    volatile RateLimiter.Ticket ticket;
    volatile BudgetStore.Reservation reservation;
    volatile String cacheKey;
    volatile ResponseCache.Answer cacheHit;
    volatile Priced priced;
    final AtomicBoolean settled = new AtomicBoolean();

    CallCharge(String tenant, String tags, long promptEstimate) {
        this.tenant = tenant;
        this.tags = tags;
        this.promptEstimate = promptEstimate;
    }

    public String tenant() {
        return tenant;
    }

    public String tags() {
        return tags;
    }

    public Priced priced() {
        return priced;
    }
}
