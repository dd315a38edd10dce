package dev.caravan.state;

import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.cache.ResponseCache;
import dev.caravan.money.BudgetStore;
import dev.caravan.money.InMemoryBudgetStore;
import dev.caravan.money.RateLimiter;
import dev.caravan.ops.health.ReadinessCheck;

/**
 * Chooses where limits, budgets and the response cache's second level live: in this replica's memory (no
 * {@code caravan.state.redis-url}, the default) or in Redis, shared by every replica. With Redis, {@code /ready}
 * has a {@code shared-state} check: down while Redis is unreachable under fail-closed, listed as degraded under
 * fail-open.
 */
public record SharedState(RateLimiter limiter, BudgetStore budgets, Consumer<String> budgetChanged) {

    /** The local state as given, or Redis-backed state that falls back to it. */
    public static SharedState configure(CamelContext ctx, MeterRegistry metrics, RateLimiter localLimiter,
            InMemoryBudgetStore localBudgets, InMemoryBudgetStore.SpendSource ledger, ResponseCache cache) {
        StateSettings s = settings(ctx.getPropertiesComponent());
        if (!s.enabled()) {
            return new SharedState(localLimiter, localBudgets, localBudgets::forget);
        }
        RedisState redis = new RedisState(s);
        StateGuard guard = new StateGuard(redis);
        RedisBudgetStore budgets = new RedisBudgetStore(redis, localBudgets, ledger, guard);
        if (cache != null) {
            cache.secondLevel(new RedisCacheLevel(redis));
        }
        ReadinessCheck.register(ctx, "shared-state", () -> s.failOpen() ? null : redis.problem())
                .degradedWhen(() -> s.failOpen() ? redis.problem() : null);
        try {
            ctx.addService(new ServiceSupport() {
                @Override
                protected void doStart() {
                    redis.start(metrics);
                }

                @Override
                protected void doStop() {
                    redis.close();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new SharedState(new RedisRateLimiter(redis, localLimiter, guard), budgets, budgets::forget);
    }

    static StateSettings settings(PropertiesComponent pc) {
        return new StateSettings(prop(pc, "caravan.state.redis-url", ""), prop(pc, "caravan.state.redis-prefix",
                "caravan:"), StateSettings.parseFailOpen(prop(pc, "caravan.state.redis-failure", "fail-closed")),
                Long.parseLong(prop(pc, "caravan.state.redis-timeout-ms", "500")),
                Long.parseLong(prop(pc, "caravan.state.reservation-ttl-ms", "900000")));
    }

    private static String prop(PropertiesComponent pc, String key, String def) {
        return pc.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(def);
    }
}
