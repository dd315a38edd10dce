package dev.caravan.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Expiry;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.catalog.Cost;

/**
 * A cached answer with the instant it expires, in both levels of the cache. In the second level it is JSON: the
 * provider's body as a JSON object (not base64), usage, cost, provider, upstream model and {@code expires_at_ms}.
 */
record CachedAnswer(ResponseCache.Answer answer, long expiresAtMs) {

    /** Caffeine expires each entry at its own instant, so an entry read from the second level keeps its age. */
    static final Expiry<String, CachedAnswer> EXPIRY = new Expiry<>() {
        @Override
        public long expireAfterCreate(String key, CachedAnswer value, long currentTime) {
            return TimeUnit.MILLISECONDS.toNanos(Math.max(0, value.expiresAtMs() - System.currentTimeMillis()));
        }

        @Override
        public long expireAfterUpdate(String key, CachedAnswer value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, CachedAnswer value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    };

    /** The stored JSON form. */
    record Stored(JsonNode body, Usage usage, Cost cost, String provider, String upstreamModel, long expiresAtMs) {
    }

    byte[] write() {
        try {
            // a provider's answer, kept as it sent it: a key it repeats is not an error (Json.REPLIES)
            return Json.MAPPER.writeValueAsBytes(new Stored(Json.REPLIES.readTree(answer.body()), answer.usage(),
                    answer.cost(), answer.provider(), answer.upstreamModel(), expiresAtMs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the stored form; null when it is not one (written by another version): a miss. */
    static CachedAnswer read(byte[] json) {
        try {
            Stored s = Json.REPLIES.forType(Stored.class).readValue(json);
            if (!(s.body() instanceof ObjectNode)) {
                return null;
            }
            return new CachedAnswer(new ResponseCache.Answer(Json.MAPPER.writeValueAsBytes(s.body()), s.usage(),
                    s.cost(), s.provider(), s.upstreamModel()), s.expiresAtMs());
        } catch (IOException e) {
            return null;
        }
    }
}
