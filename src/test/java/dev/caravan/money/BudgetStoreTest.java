package dev.caravan.money;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.caravan.auth.Budget;

import static org.assertj.core.api.Assertions.assertThat;

/** Reservations against budgets: concurrency, settlement, periods, threshold crossings. */
class BudgetStoreTest {

    static final LocalDate DAY = LocalDate.parse("2026-11-18"); // a Wednesday
    static final int[] THRESHOLDS = {50, 80, 100};

    static long usd(String s) {
        return Money.units(new BigDecimal(s));
    }

    @Test
    void underSixtyFourConcurrentCallersSpendingStaysWithinTheBudgetPlusInFlightOvershoot() throws Exception {
        InMemoryBudgetStore store = new InMemoryBudgetStore((scope, from) -> 0);
        List<BudgetStore.Limit> limits = List.of(new BudgetStore.Limit("key:a", Budget.parse("1/day")));
        long reserve = usd("0.03");
        AtomicLong spent = new AtomicLong();
        AtomicLong maxOvershootPerCall = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 64; t++) {
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 10; i++) {
                    BudgetStore.Result r = store.reserve(limits, reserve, DAY);
                    if (r.admitted()) {
                        // most calls cost less than their worst case; one in ten costs a little more
                        long actual = ThreadLocalRandom.current().nextInt(10) == 0 ? usd("0.035") : usd("0.02");
                        maxOvershootPerCall.accumulateAndGet(actual - reserve, Math::max);
                        store.settle(r.reservation(), actual, DAY, THRESHOLDS);
                        spent.addAndGet(actual);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        BudgetStore.Snapshot s = store.snapshot(limits.get(0), DAY);
        assertThat(s.spentUnits()).isEqualTo(spent.get());
        assertThat(s.reservedUnits()).isZero();
        // overshoot is bounded by the in-flight calls' excess over their reservations (at most 64 at once)
        assertThat(spent.get()).isLessThanOrEqualTo(usd("1") + 64 * maxOvershootPerCall.get());
        assertThat(spent.get()).isGreaterThan(usd("0.97"));
    }

    @Test
    void whenCallsCostAtMostTheirReservationTheBudgetIsNeverExceeded() throws Exception {
        InMemoryBudgetStore store = new InMemoryBudgetStore((scope, from) -> 0);
        List<BudgetStore.Limit> limits = List.of(new BudgetStore.Limit("key:a", Budget.parse("0.5/month")),
                new BudgetStore.Limit("tenant:t", Budget.parse("0.4/month")));
        ConcurrentLinkedQueue<Long> spent = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 64; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    BudgetStore.Result r = store.reserve(limits, usd("0.01"), DAY);
                    if (r.admitted()) {
                        Thread.onSpinWait();
                        store.settle(r.reservation(), usd("0.01"), DAY, THRESHOLDS);
                        spent.add(usd("0.01"));
                    }
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        // the tenant's 0.40 binds first: exactly 40 calls of 0.01
        assertThat(spent).hasSize(40);
        assertThat(store.snapshot(limits.get(1), DAY).spentUnits()).isEqualTo(usd("0.4"));
        assertThat(store.reserve(limits, 0, DAY).admitted()).isFalse();
    }

    @Test
    void ledgerSpendCountsAndANewPeriodStartsFromZero() {
        InMemoryBudgetStore store = new InMemoryBudgetStore((scope, from) -> {
            assertThat(from).isEqualTo(LocalDate.parse("2026-11-16")); // Monday of that week
            return usd("9.5");
        });
        BudgetStore.Limit week = new BudgetStore.Limit("key:a", Budget.parse("10/week"));
        assertThat(store.reserve(List.of(week), usd("1"), DAY).admitted()).isFalse();
        BudgetStore.Result r = store.reserve(List.of(week), usd("0.5"), DAY);
        assertThat(r.admitted()).isTrue();
        store.settle(r.reservation(), usd("0.5"), DAY, THRESHOLDS);
        assertThat(store.reserve(List.of(week), usd("0.01"), DAY).admitted()).isFalse();
        assertThat(store.reserve(List.of(week), usd("1"), LocalDate.parse("2026-11-23")).admitted()).isTrue();
    }

    @Test
    void eachThresholdIsReportedWhenSpendingCrossesIt() {
        InMemoryBudgetStore store = new InMemoryBudgetStore((scope, from) -> 0);
        BudgetStore.Limit l = new BudgetStore.Limit("tenant:t", Budget.parse("10/day"));
        List<Integer> crossed = new ArrayList<>();
        for (String cost : List.of("4", "1", "2", "0.5", "2.5", "3")) {
            BudgetStore.Result r = store.reserve(List.of(l), 0, DAY);
            if (r.admitted()) {
                store.settle(r.reservation(), usd(cost), DAY, THRESHOLDS)
                        .forEach(c -> crossed.add(c.thresholdPct()));
            }
        }
        // 4 -> 5 (50 %) -> 7 -> 7.5 -> 10 (80 % and 100 % at once); then refused
        assertThat(crossed).containsExactly(50, 80, 100);
    }
}
