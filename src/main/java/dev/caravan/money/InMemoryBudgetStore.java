package dev.caravan.money;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.caravan.auth.Budget;

/**
 * {@link BudgetStore} for one replica. A scope's counter starts from what the ledger already holds for the
 * current period ({@link SpendSource}, read once per scope and period), so budgets survive restarts. Scopes are
 * locked in the order given (key, then tenant) while a reservation is checked and taken.
 */
public final class InMemoryBudgetStore implements BudgetStore {

    /** Spending already recorded for a scope since a date (the ledger). */
    @FunctionalInterface
    public interface SpendSource {
        long spentSince(String scope, LocalDate from);
    }

    private static final class Counter {
        final ReentrantLock lock = new ReentrantLock();
        LocalDate periodStart;
        long spent;
        long reserved;
    }

    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final SpendSource source;

    public InMemoryBudgetStore(SpendSource source) {
        this.source = source;
    }

    @Override
    public Result reserve(List<Limit> limits, long units, LocalDate today) {
        List<Counter> locked = new ArrayList<>(limits.size());
        try {
            for (Limit l : limits) {
                Counter c = counter(l, today);
                c.lock.lock();
                locked.add(c);
                roll(c, l.budget(), today);
                long budget = Money.units(l.budget().usd());
                if (c.spent >= budget || c.spent + c.reserved + units > budget) {
                    return new Result(null, new Snapshot(l.scope(), l.budget(), c.periodStart, c.spent, c.reserved));
                }
            }
            for (Counter c : locked) {
                c.reserved += units;
            }
            return new Result(new Reservation(List.copyOf(limits), units), null);
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).lock.unlock();
            }
        }
    }

    @Override
    public List<Crossing> settle(Reservation r, long actualUnits, LocalDate today, int[] thresholds) {
        List<Crossing> crossed = new ArrayList<>(0);
        for (Limit l : r.limits()) {
            Counter c = counter(l, today);
            c.lock.lock();
            try {
                roll(c, l.budget(), today);
                c.reserved = Math.max(0, c.reserved - r.units());
                long before = c.spent;
                c.spent += actualUnits;
                long budget = Money.units(l.budget().usd());
                for (int pct : thresholds) {
                    long mark = Math.multiplyExact(budget, (long) pct) / 100;
                    if (before < mark && c.spent >= mark) {
                        crossed.add(new Crossing(l, c.periodStart, pct, c.spent));
                    }
                }
            } finally {
                c.lock.unlock();
            }
        }
        return crossed;
    }

    @Override
    public Snapshot snapshot(Limit l, LocalDate today) {
        Counter c = counter(l, today);
        c.lock.lock();
        try {
            roll(c, l.budget(), today);
            return new Snapshot(l.scope(), l.budget(), c.periodStart, c.spent, c.reserved);
        } finally {
            c.lock.unlock();
        }
    }

    /** Forgets a scope's counter (its budget period changed): the next use reads the ledger again. */
    public void forget(String scope) {
        counters.remove(scope);
    }

    private Counter counter(Limit l, LocalDate today) {
        Counter c = counters.get(l.scope());
        if (c != null) {
            return c;
        }
        return counters.computeIfAbsent(l.scope(), s -> {
            Counter n = new Counter();
            n.periodStart = l.budget().period().start(today);
            n.spent = source.spentSince(s, n.periodStart);
            return n;
        });
    }

    /** A new period starts from zero spent; reservations in flight stay reserved until their calls end. */
    private static void roll(Counter c, Budget b, LocalDate today) {
        LocalDate start = b.period().start(today);
        if (!start.equals(c.periodStart)) {
            if (start.isAfter(c.periodStart)) {
                c.spent = 0;
            }
            c.periodStart = start;
        }
    }
}
