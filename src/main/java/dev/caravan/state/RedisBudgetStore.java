package dev.caravan.state;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import dev.caravan.money.BudgetStore;
import dev.caravan.money.InMemoryBudgetStore;
import dev.caravan.money.Money;

/**
 * {@link BudgetStore} shared by every replica. Per scope and budget period, Redis holds the spent counter (a
 * string), and per scope the reservations in flight (a sorted set by expiry and a hash of amounts with their
 * total). {@code redis/budget-reserve.lua} checks and reserves in every scope in one step;
 * {@code redis/budget-settle.lua} replaces a reservation by the real cost. A reservation whose call never settles
 * (its replica died) expires after {@code caravan.state.reservation-ttl-ms}.
 *
 * <p>A spent counter that does not exist (Redis started empty, was flushed, or a new period began) is seeded from
 * the ledger ({@link InMemoryBudgetStore.SpendSource}) with {@code SET NX}, so that whichever replica gets there
 * first writes it and the others keep it; the counter key itself is the marker that a scope has been rebuilt.
 */
public final class RedisBudgetStore implements BudgetStore {

    private static final long SPENT_TTL_MS = 35L * 24 * 3600 * 1000;

    private final RedisState redis;
    private final InMemoryBudgetStore local;
    private final InMemoryBudgetStore.SpendSource ledger;
    private final StateGuard guard;

    public RedisBudgetStore(RedisState redis, InMemoryBudgetStore local, InMemoryBudgetStore.SpendSource ledger,
            StateGuard guard) {
        this.redis = redis;
        this.local = local;
        this.ledger = ledger;
        this.guard = guard;
    }

    @Override
    public Result reserve(List<Limit> limits, long units, LocalDate today) {
        try {
            return shared(limits, units, today);
        } catch (StateUnavailable e) {
            guard.fallBack("budgets", e);
            return local.reserve(limits, units, today);
        }
    }

    private Result shared(List<Limit> limits, long units, LocalDate today) {
        String id = UUID.randomUUID().toString();
        String[] keys = keys(limits, today);
        String[] args = new String[3 + limits.size()];
        args[0] = Long.toString(units);
        args[1] = id;
        args[2] = Long.toString(redis.settings().reservationTtlMs());
        for (int i = 0; i < limits.size(); i++) {
            args[3 + i] = Long.toString(Money.units(limits.get(i).budget().usd()));
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            List<Object> r = redis.script("budget-reserve", keys, args);
            long outcome = RedisRateLimiter.num(r, 0);
            if (outcome == 1) {
                return new Result(new Reservation(List.copyOf(limits), units, id), null);
            }
            Limit l = limits.get((int) RedisRateLimiter.num(r, 1) - 1);
            if (outcome == 0) {
                return new Result(null, new Snapshot(l.scope(), l.budget(), l.budget().period().start(today),
                        RedisRateLimiter.num(r, 2), RedisRateLimiter.num(r, 3)));
            }
            seed(l, today);
        }
        throw new IllegalStateException("budget counters could not be seeded in Redis");
    }

    /** Writes a scope's spent counter from the ledger unless another replica already has. */
    private void seed(Limit l, LocalDate today) {
        LocalDate start = l.budget().period().start(today);
        long spent = ledger.spentSince(l.scope(), start);
        redis.call(c -> c.set(spentKey(l, start), Long.toString(spent),
                io.lettuce.core.SetArgs.Builder.nx().px(SPENT_TTL_MS)));
    }

    @Override
    public List<Crossing> settle(Reservation r, long actualUnits, LocalDate today, int[] thresholds) {
        if (r.id() == null) {
            return local.settle(r, actualUnits, today, thresholds);
        }
        List<Object> out;
        try {
            out = redis.script("budget-settle", keys(r.limits(), today), r.id(), Long.toString(actualUnits));
        } catch (StateUnavailable e) {
            // the reservation expires on its own; the cost is in the ledger, which seeds the next period's counter
            guard.lost("budgets");
            return List.of();
        }
        List<Crossing> crossed = new ArrayList<>(0);
        for (int i = 0; i < r.limits().size(); i++) {
            Limit l = r.limits().get(i);
            long before = RedisRateLimiter.num(out, 2 * i);
            long after = RedisRateLimiter.num(out, 2 * i + 1);
            if (before < 0) {
                continue;
            }
            long budget = Money.units(l.budget().usd());
            for (int pct : thresholds) {
                long mark = Math.multiplyExact(budget, (long) pct) / 100;
                if (before < mark && after >= mark) {
                    crossed.add(new Crossing(l, l.budget().period().start(today), pct, after));
                }
            }
        }
        return crossed;
    }

    @Override
    public Snapshot snapshot(Limit l, LocalDate today) {
        LocalDate start = l.budget().period().start(today);
        try {
            String[] keys = keys(List.of(l), today);
            List<Object> r = redis.script("budget-snapshot", keys);
            if (RedisRateLimiter.num(r, 0) < 0) {
                seed(l, today);
                r = redis.script("budget-snapshot", keys);
            }
            return new Snapshot(l.scope(), l.budget(), start, Math.max(0, RedisRateLimiter.num(r, 0)),
                    RedisRateLimiter.num(r, 1));
        } catch (StateUnavailable e) {
            return local.snapshot(l, today);
        }
    }

    /** A key's budget changed: this replica's fallback counter reads the ledger again; Redis keys by period. */
    public void forget(String scope) {
        local.forget(scope);
    }

    public Consumer<String> forgetter() {
        return this::forget;
    }

    private String[] keys(List<Limit> limits, LocalDate today) {
        String[] keys = new String[limits.size() * 3];
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            keys[3 * i] = spentKey(l, l.budget().period().start(today));
            keys[3 * i + 1] = redis.prefix() + "budget:resv:" + l.scope();
            keys[3 * i + 2] = redis.prefix() + "budget:held:" + l.scope();
        }
        return keys;
    }

    private String spentKey(Limit l, LocalDate periodStart) {
        return redis.prefix() + "budget:spent:" + l.scope() + ":" + l.budget().period().label() + ":" + periodStart;
    }
}
