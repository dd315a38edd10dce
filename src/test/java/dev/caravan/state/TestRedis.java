package dev.caravan.state;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Redis the shared-state tests use: {@code CARAVAN_TEST_REDIS_URL}, else a server answering on
 * 127.0.0.1:6379; tests skip where there is none. Each test run writes under a fresh key prefix and deletes only
 * its own keys.
 */
public final class TestRedis {

    private TestRedis() {
    }

    /** The URL, or skips the calling test. */
    public static String url() {
        String env = System.getenv("CARAVAN_TEST_REDIS_URL");
        String url = env == null || env.isBlank() ? "redis://127.0.0.1:6379" : env.trim();
        URI u = URI.create(url);
        boolean answers;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()), 500);
            answers = true;
        } catch (Exception e) {
            answers = false;
        }
        assumeTrue(answers, "no Redis at " + u.getHost() + ":" + u.getPort() + " (set CARAVAN_TEST_REDIS_URL or run "
                + "redis-server on 127.0.0.1:6379): shared-state test skipped");
        return url;
    }

    public static String freshPrefix() {
        return "caravan-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Deletes every key under {@code prefix}. */
    public static void deleteAll(String url, String prefix) {
        RedisClient c = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            ScanIterator<String> it = ScanIterator.scan(conn.sync(), ScanArgs.Builder.matches(prefix + "*").limit(500));
            while (it.hasNext()) {
                conn.sync().del(it.next());
            }
        } finally {
            c.shutdown();
        }
    }

    /** A started state for {@code prefix} (1 s timeout), with the given failure mode and reservation TTL. */
    public static RedisState state(String url, String prefix, boolean failOpen, long reservationTtlMs) {
        RedisState s = new RedisState(new StateSettings(url, prefix, failOpen, 1000, reservationTtlMs));
        s.start(null);
        return s;
    }
}
