package dev.caravan.money;

import java.time.LocalDate;
import java.util.List;

import dev.caravan.auth.Budget;

/**
 * Budget counters per scope ({@code key:<id>}, {@code tenant:<name>}) and calendar period, in units of 10^-10 USD.
 * Before a call its worst-case cost is reserved; after it, the reservation is replaced by the real cost (or
 * released). A call is refused when spent + reserved + its reservation would exceed the budget, so concurrent
 * calls can overshoot only by what they cost beyond their reservations. One replica counts in memory; a shared
 * backend (Redis with Lua) implements the same calls atomically.
 */
public interface BudgetStore {

    record Limit(String scope, Budget budget) {
    }

    /** A reservation: what it reserved, where; {@code id} names it in a shared backend (null: in memory). */
    record Reservation(List<Limit> limits, long units, String id) {
        public Reservation(List<Limit> limits, long units) {
            this(limits, units, null);
        }
    }

    /** The state of one scope in its current period. */
    record Snapshot(String scope, Budget budget, LocalDate periodStart, long spentUnits, long reservedUnits) {
    }

    /** A threshold of a budget that a settled call crossed (e.g. 80 %). */
    record Crossing(Limit limit, LocalDate periodStart, int thresholdPct, long spentUnits) {
    }

    /** Outcome of {@link #reserve}: {@code reservation} when admitted, else the budget that refused. */
    record Result(Reservation reservation, Snapshot exceeded) {
        public boolean admitted() {
            return exceeded == null;
        }
    }

    /** Reserves {@code units} in every scope, or in none when one of them cannot afford it. */
    Result reserve(List<Limit> limits, long units, LocalDate today);

    /**
     * Replaces a reservation with the real cost ({@code actualUnits}, 0 to release) and returns the thresholds
     * (percent of each budget, from {@code thresholds}) the spending crossed.
     */
    List<Crossing> settle(Reservation r, long actualUnits, LocalDate today, int[] thresholds);

    Snapshot snapshot(Limit limit, LocalDate today);
}
