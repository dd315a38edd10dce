package dev.caravan.money;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Sliding-window RPM/TPM: exact under concurrency, all-or-nothing across scopes, honest retry times. */
class RateLimiterTest {

    static final long T0 = 1_800_000_000_000L; // a whole second

    @Test
    void requestsPerMinuteSlideSecondBySecond() {
        InMemoryRateLimiter rl = new InMemoryRateLimiter();
        List<RateLimiter.Limit> limits = List.of(new RateLimiter.Limit("key:a", 3, null));
        assertThat(rl.acquire(limits, 0, T0).admitted()).isTrue();
        assertThat(rl.acquire(limits, 0, T0 + 10_000).admitted()).isTrue();
        RateLimiter.Result third = rl.acquire(limits, 0, T0 + 20_000);
        assertThat(third.admitted()).isTrue();
        assertThat(third.status().remainingRequests()).isZero();
        RateLimiter.Result refused = rl.acquire(limits, 0, T0 + 30_000);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.kind()).isEqualTo("requests");
        // the first request leaves the window at T0 + 60 s: 30 s from now
        assertThat(refused.retryAfterMs()).isEqualTo(30_000);
        assertThat(rl.acquire(limits, 0, T0 + 59_999).admitted()).isFalse();
        assertThat(rl.acquire(limits, 0, T0 + 60_000).admitted()).isTrue();
    }

    @Test
    void tokensAreReservedThenSettledToTheRealCount() {
        InMemoryRateLimiter rl = new InMemoryRateLimiter();
        List<RateLimiter.Limit> limits = List.of(new RateLimiter.Limit("key:a", null, 1000));
        RateLimiter.Result r = rl.acquire(limits, 800, T0);
        assertThat(rl.acquire(limits, 300, T0 + 1).admitted()).isFalse();
        rl.settle(r.ticket(), 100); // the call used only 100 tokens
        RateLimiter.Result next = rl.acquire(limits, 300, T0 + 2);
        assertThat(next.admitted()).isTrue();
        assertThat(next.status().remainingTokens()).isEqualTo(600);
        RateLimiter.Result tooBig = rl.acquire(limits, 5000, T0 + 3);
        assertThat(tooBig.admitted()).isFalse();
        assertThat(tooBig.kind()).isEqualTo("tokens");
    }

    @Test
    void aRefusalByTheTenantTakesNothingFromTheKey() {
        InMemoryRateLimiter rl = new InMemoryRateLimiter();
        RateLimiter.Limit key = new RateLimiter.Limit("key:a", 10, null);
        RateLimiter.Limit tenant = new RateLimiter.Limit("tenant:t", 1, null);
        assertThat(rl.acquire(List.of(key, tenant), 0, T0).admitted()).isTrue();
        RateLimiter.Result r = rl.acquire(List.of(key, tenant), 0, T0);
        assertThat(r.admitted()).isFalse();
        assertThat(r.rejected()).isEqualTo(tenant);
        assertThat(rl.acquire(List.of(key), 0, T0).status().remainingRequests()).isEqualTo(8);
    }

    @Test
    void sixtyFourThreadsNeverExceedTheLimit() throws Exception {
        InMemoryRateLimiter rl = new InMemoryRateLimiter();
        List<RateLimiter.Limit> limits = List.of(new RateLimiter.Limit("key:a", 100, 50_000),
                new RateLimiter.Limit("tenant:t", 1000, null));
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger tokens = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 64; t++) {
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 20; i++) {
                    if (rl.acquire(limits, 700, T0 + 5).admitted()) {
                        admitted.incrementAndGet();
                        tokens.addAndGet(700);
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
        // 50,000 / 700 = 71 calls fit the token limit, fewer than the 100 requests allowed
        assertThat(admitted.get()).isEqualTo(71);
        assertThat(tokens.get()).isLessThanOrEqualTo(50_000);
    }

    @Test
    void headersUseOpenAiDurations() {
        assertThat(RateLimitHeaders.duration(0)).isEqualTo("0s");
        assertThat(RateLimitHeaders.duration(20)).isEqualTo("20ms");
        assertThat(RateLimitHeaders.duration(1_000)).isEqualTo("1s");
        assertThat(RateLimitHeaders.duration(1_500)).isEqualTo("1.5s");
        assertThat(RateLimitHeaders.duration(360_000)).isEqualTo("6m0s");
        assertThat(RateLimitHeaders.duration(90_250)).isEqualTo("1m30.25s");
    }
}
