package dev.caravan.state;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.auth.Budget;
import dev.caravan.money.BudgetStore;
import dev.caravan.money.InMemoryBudgetStore;
import dev.caravan.money.InMemoryRateLimiter;
import dev.caravan.money.Money;
import dev.caravan.money.RateLimiter;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Lua scripts in redis/ do, run against a real Redis (skipped where there is none). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisScriptsTest {

    static final LocalDate TODAY = LocalDate.of(2026, 12, 5);

    String url;
    String prefix;
    RedisState redis;
    final AtomicInteger ledgerReads = new AtomicInteger();
    volatile long ledgerSpent;
    RedisRateLimiter limiter;
    RedisBudgetStore budgets;

    @BeforeAll
    void start() {
        url = TestRedis.url();
        prefix = TestRedis.freshPrefix();
        redis = TestRedis.state(url, prefix, false, 300);
        StateGuard guard = new StateGuard(redis);
        limiter = new RedisRateLimiter(redis, new InMemoryRateLimiter(), guard);
        InMemoryBudgetStore.SpendSource ledger = (scope, from) -> {
            ledgerReads.incrementAndGet();
            return ledgerSpent;
        };
        budgets = new RedisBudgetStore(redis, new InMemoryBudgetStore(ledger), ledger, guard);
    }

    @AfterAll
    void stop() {
        if (redis != null) {
            redis.close();
            TestRedis.deleteAll(url, prefix);
        }
    }

    @Test
    void requestsPerMinuteAdmitExactlyTheLimitAndSayWhenToRetry() {
        List<RateLimiter.Limit> l = List.of(new RateLimiter.Limit("key:rpm", 3, null));
        for (int i = 0; i < 3; i++) {
            RateLimiter.Result r = limiter.acquire(l, 10, 0);
            assertThat(r.admitted()).isTrue();
            assertThat(r.ticket().shared()).isTrue();
            assertThat(r.status().remainingRequests()).isEqualTo(2 - i);
        }
        RateLimiter.Result refused = limiter.acquire(l, 10, 0);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.kind()).isEqualTo("requests");
        assertThat(refused.retryAfterMs()).isBetween(1L, 60_000L);
        assertThat(refused.status().remainingRequests()).isZero();
    }

    @Test
    void aRefusingScopeCountsNothingInTheOthers() {
        RateLimiter.Limit key = new RateLimiter.Limit("key:pair", 10, null);
        RateLimiter.Limit tenant = new RateLimiter.Limit("tenant:pair", null, 100);
        assertThat(limiter.acquire(List.of(key, tenant), 80, 0).admitted()).isTrue();
        RateLimiter.Result r = limiter.acquire(List.of(key, tenant), 30, 0);
        assertThat(r.admitted()).isFalse();
        assertThat(r.rejected()).isEqualTo(tenant);
        assertThat(r.kind()).isEqualTo("tokens");
        // the key counted one request only: nine remain
        RateLimiter.Result next = limiter.acquire(List.of(key), 0, 0);
        assertThat(next.status().remainingRequests()).isEqualTo(8);
    }

    @Test
    void settlingReplacesTheEstimateWithTheTokensUsed() {
        List<RateLimiter.Limit> l = List.of(new RateLimiter.Limit("key:tpm", null, 1000));
        RateLimiter.Result first = limiter.acquire(l, 900, 0);
        assertThat(limiter.acquire(l, 200, 0).admitted()).isFalse();
        limiter.settle(first.ticket(), 100);
        RateLimiter.Result second = limiter.acquire(l, 200, 0);
        assertThat(second.admitted()).isTrue();
        assertThat(second.status().remainingTokens()).isEqualTo(700);
    }

    @Test
    void aCallLargerThanTheTokenLimitIsToldToWaitAMinute() {
        RateLimiter.Result r = limiter.acquire(List.of(new RateLimiter.Limit("key:huge", null, 100)), 500, 0);
        assertThat(r.admitted()).isFalse();
        assertThat(r.retryAfterMs()).isEqualTo(60_000);
    }

    @Test
    void aBudgetStartsFromTheLedgerOnceAndRefusesWhatItCannotAfford() {
        ledgerSpent = Money.units(new BigDecimal("0.7"));
        int before = ledgerReads.get();
        BudgetStore.Limit l = limit("key:seeded", "1");
        BudgetStore.Result a = budgets.reserve(List.of(l), Money.units(new BigDecimal("0.2")), TODAY);
        assertThat(a.admitted()).isTrue();
        BudgetStore.Result b = budgets.reserve(List.of(l), Money.units(new BigDecimal("0.2")), TODAY);
        assertThat(b.admitted()).isFalse();
        assertThat(b.exceeded().spentUnits()).isEqualTo(Money.units(new BigDecimal("0.7")));
        assertThat(b.exceeded().reservedUnits()).isEqualTo(Money.units(new BigDecimal("0.2")));
        assertThat(ledgerReads.get() - before).isEqualTo(1);
    }

    @Test
    void settlingReplacesTheReservationByTheRealCostAndReportsCrossedThresholds() {
        ledgerSpent = 0;
        BudgetStore.Limit l = limit("key:settle", "1");
        BudgetStore.Reservation r = budgets.reserve(List.of(l), Money.units(new BigDecimal("0.9")), TODAY)
                .reservation();
        List<BudgetStore.Crossing> crossed = budgets.settle(r, Money.units(new BigDecimal("0.85")), TODAY,
                new int[] {50, 80, 100});
        assertThat(crossed).extracting(BudgetStore.Crossing::thresholdPct).containsExactly(50, 80);
        BudgetStore.Snapshot s = budgets.snapshot(l, TODAY);
        assertThat(s.spentUnits()).isEqualTo(Money.units(new BigDecimal("0.85")));
        assertThat(s.reservedUnits()).isZero();
        // settling twice does not release twice
        budgets.settle(r, 0, TODAY, new int[0]);
        assertThat(budgets.snapshot(l, TODAY).reservedUnits()).isZero();
    }

    @Test
    void aReservationWhoseCallNeverSettlesExpires() throws Exception {
        ledgerSpent = 0;
        BudgetStore.Limit l = limit("key:dead", "1");
        assertThat(budgets.reserve(List.of(l), Money.units(new BigDecimal("0.9")), TODAY).admitted()).isTrue();
        assertThat(budgets.reserve(List.of(l), Money.units(new BigDecimal("0.2")), TODAY).admitted()).isFalse();
        Thread.sleep(400);
        assertThat(budgets.snapshot(l, TODAY).reservedUnits()).isZero();
        assertThat(budgets.reserve(List.of(l), Money.units(new BigDecimal("0.2")), TODAY).admitted()).isTrue();
    }

    @Test
    void reservationsAreAllOrNothingAcrossScopes() {
        ledgerSpent = 0;
        BudgetStore.Limit key = limit("key:both", "10");
        BudgetStore.Limit tenant = limit("tenant:both", "1");
        assertThat(budgets.reserve(List.of(key, tenant), Money.units(new BigDecimal("2")), TODAY).admitted())
                .isFalse();
        assertThat(budgets.snapshot(key, TODAY).reservedUnits()).isZero();
    }

    @Test
    void concurrentReservationsNeverExceedTheBudget() throws Exception {
        ledgerSpent = 0;
        BudgetStore.Limit l = limit("key:race", "1");
        long unit = Money.units(new BigDecimal("0.03"));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        // reservations that outlive the test (this class's store lets them expire after 300 ms)
        RedisState longLived = TestRedis.state(url, prefix, false, 60_000);
        InMemoryBudgetStore.SpendSource none = (scope, from) -> 0;
        RedisBudgetStore budgets = new RedisBudgetStore(longLived, new InMemoryBudgetStore(none), none,
                new StateGuard(longLived));
        try {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Callable<Boolean> c = () -> budgets.reserve(List.of(l), unit, TODAY).admitted();
                fs.add(pool.submit(c));
            }
            int admitted = 0;
            for (Future<Boolean> f : fs) {
                admitted += f.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(33);
        } finally {
            longLived.close();
            pool.shutdownNow();
        }
    }

    @Test
    void countersAreRebuiltFromTheLedgerAfterRedisLosesThem() {
        ledgerSpent = 0;
        BudgetStore.Limit l = limit("key:flushed", "1");
        BudgetStore.Reservation r = budgets.reserve(List.of(l), 10, TODAY).reservation();
        budgets.settle(r, 10, TODAY, new int[0]);
        TestRedis.deleteAll(url, prefix + "budget:spent:key:flushed");
        ledgerSpent = Money.units(new BigDecimal("0.5"));
        assertThat(budgets.snapshot(l, TODAY).spentUnits()).isEqualTo(Money.units(new BigDecimal("0.5")));
    }

    private static BudgetStore.Limit limit(String scope, String usd) {
        return new BudgetStore.Limit(scope, new Budget(new BigDecimal(usd), Budget.Period.DAY));
    }
}
