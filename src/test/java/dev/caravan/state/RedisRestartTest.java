package dev.caravan.state;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.caravan.money.InMemoryRateLimiter;
import dev.caravan.money.RateLimiter;
import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis stopped under a running gateway and started again (a redis-server of the test's own, on a free port;
 * skipped where the binary is absent): fail-open moves to local counters at once and back to Redis by itself.
 */
class RedisRestartTest {

    @Test
    void failOpenFallsBackWhenRedisStopsAndReturnsWhenItIsBack() throws Exception {
        String bin = redisServer();
        int port = GatewayTestSupport.freePort();
        Process server = start(bin, port);
        RedisState redis = new RedisState(new StateSettings("redis://127.0.0.1:" + port, "caravan-restart:", true,
                300, 60_000));
        try {
            redis.start(null);
            await().atMost(5, TimeUnit.SECONDS).until(redis::up);
            RedisRateLimiter limiter = new RedisRateLimiter(redis, new InMemoryRateLimiter(), new StateGuard(redis));
            List<RateLimiter.Limit> l = List.of(new RateLimiter.Limit("key:restart", 1000, null));
            assertThat(limiter.acquire(l, 1, System.currentTimeMillis()).ticket().shared()).isTrue();

            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            RateLimiter.Result during = limiter.acquire(l, 1, System.currentTimeMillis());
            assertThat(during.admitted()).isTrue();
            assertThat(during.ticket().shared()).isFalse();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1_500);
            assertThat(redis.up()).isFalse();
            assertThat(redis.problem()).contains("unreachable").contains("127.0.0.1:" + port);

            server = start(bin, port);
            await().atMost(10, TimeUnit.SECONDS).until(redis::up);
            assertThat(limiter.acquire(l, 1, System.currentTimeMillis()).ticket().shared()).isTrue();
        } finally {
            redis.close();
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Process start(String bin, int port) throws Exception {
        return new ProcessBuilder(bin, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    }

    private static String redisServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        assumeTrue(false, "no redis-server binary on PATH: the Redis restart test is skipped");
        return null;
    }
}
