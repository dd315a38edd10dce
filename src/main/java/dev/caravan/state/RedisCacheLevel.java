package dev.caravan.state;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.lettuce.core.SetArgs;

import dev.caravan.cache.ResponseCache;

/**
 * The response cache's second level in Redis ({@code <prefix>cache:<sha256>}, JSON, expiring with the cache's
 * TTL). Reads are bounded by the state timeout and count as misses when Redis is unreachable, whatever
 * {@code caravan.state.redis-failure} says (a miss only costs a provider call); writes are not waited for.
 */
public final class RedisCacheLevel implements ResponseCache.SecondLevel {

    private final RedisState redis;

    public RedisCacheLevel(RedisState redis) {
        this.redis = redis;
    }

    @Override
    public byte[] get(String key) {
        try {
            String v = redis.call(c -> c.get(redis.prefix() + "cache:" + key));
            return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
        } catch (StateUnavailable e) {
            redis.fellBack("cache");
            return null;
        }
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        String v = new String(value, StandardCharsets.UTF_8);
        redis.send(c -> c.set(redis.prefix() + "cache:" + key, v, SetArgs.Builder.px(Math.max(1, ttl.toMillis()))));
    }
}
