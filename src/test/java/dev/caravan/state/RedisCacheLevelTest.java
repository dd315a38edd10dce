package dev.caravan.state;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.api.Usage;
import dev.caravan.cache.ResponseCache;
import dev.caravan.catalog.Cost;

import static org.assertj.core.api.Assertions.assertThat;

/** The response cache's second level in Redis: one replica's answer is a hit on another, until its TTL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCacheLevelTest {

    String url;
    String prefix;
    RedisState redis;

    @BeforeAll
    void start() {
        url = TestRedis.url();
        prefix = TestRedis.freshPrefix();
        redis = TestRedis.state(url, prefix, true, 60_000);
    }

    @AfterAll
    void stop() {
        if (redis != null) {
            redis.close();
            TestRedis.deleteAll(url, prefix);
        }
    }

    @Test
    void anAnswerCachedByOneReplicaIsAHitOnAnotherUntilItExpires() throws Exception {
        ResponseCache a = new ResponseCache(100, 1 << 20, Duration.ofMillis(1500))
                .secondLevel(new RedisCacheLevel(redis));
        ResponseCache b = new ResponseCache(100, 1 << 20, Duration.ofMillis(1500))
                .secondLevel(new RedisCacheLevel(redis));
        Cost cost = new Cost(new BigDecimal("0.0000123"), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                new BigDecimal("0.0000123"), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
        byte[] body = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"ok\"}}]}".getBytes(StandardCharsets.UTF_8);
        a.put("k1", new ResponseCache.Answer(body, Usage.of(3, 4), cost, "openai", "gpt-4o-mini"));
        Thread.sleep(100); // the write is not waited for
        ResponseCache.Answer hit = b.get("k1");
        assertThat(hit).isNotNull();
        assertThat(new String(hit.body(), StandardCharsets.UTF_8)).isEqualTo(new String(body, StandardCharsets.UTF_8));
        assertThat(hit.usage().promptTokens()).isEqualTo(3);
        assertThat(hit.cost().total()).isEqualByComparingTo("0.0000123");
        assertThat(hit.provider()).isEqualTo("openai");
        String stored = redis.call(c -> c.get(prefix + "cache:k1"));
        assertThat(stored).startsWith("{\"body\":{\"id\":\"c1\"");
        Long pttl = redis.call(c -> c.pttl(prefix + "cache:k1"));
        assertThat(pttl).isBetween(1L, 1500L);
        Thread.sleep(1600);
        assertThat(b.get("k1")).as("expired in the copy b took into its first level too").isNull();
        assertThat(new ResponseCache(100, 1 << 20, Duration.ofMillis(1500)).secondLevel(new RedisCacheLevel(redis))
                .get("k1")).isNull();
    }

    @Test
    void anUnreachableSecondLevelIsAMiss() {
        RedisState dead = new RedisState(new StateSettings("redis://127.0.0.1:" + dev.caravan.testing
                .GatewayTestSupport.freePort(), prefix, false, 200, 1000));
        dead.start(null);
        try {
            ResponseCache c = new ResponseCache(100, 1 << 20, Duration.ofSeconds(10))
                    .secondLevel(new RedisCacheLevel(dead));
            assertThat(c.get("first")).isNull(); // classes loaded
            long t0 = System.nanoTime();
            assertThat(c.get("nothing")).isNull();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(500);
        } finally {
            dead.close();
        }
    }
}
