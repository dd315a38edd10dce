package dev.caravan.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.catalog.Cost;
import dev.caravan.support.Sha256;

/**
 * Exact-match cache of non-streamed answers (Caffeine), bounded by entries, bytes and age. The key is the SHA-256
 * of the tenant and the request as sent (minus the stream flags), so two tenants never share an entry and any
 * difference in the request (model, messages, temperature, tools, ...) is a different entry.
 *
 * <p>Both bounds hold with one Caffeine weight: each entry weighs at least {@code maxBytes / maxEntries}, so the
 * total weight limit of {@code maxBytes} also caps the count at {@code maxEntries}.
 */
public final class ResponseCache {

    /** A stored answer: the body as the provider sent it (without Caravan's cost fields) and what it cost. */
    public record Answer(byte[] body, Usage usage, Cost cost, String provider, String upstreamModel) {
    }

    /**
     * A second level shared by replicas (Redis): the first level (this replica's Caffeine) is asked first, the
     * second on a miss; what the second level holds is JSON ({@link CachedAnswer}), with its own expiry.
     */
    public interface SecondLevel {
        /** The stored value, or null when absent or unreachable (a miss). */
        byte[] get(String key);

        /** Stores a value for {@code ttl}; never waits. */
        void put(String key, byte[] value, Duration ttl);
    }

    private static final Set<String> NOT_PART_OF_KEY = Set.of("stream", "stream_options");

    private final Cache<String, CachedAnswer> cache;
    private final Duration ttl;
    private volatile SecondLevel second;

    public ResponseCache(long maxEntries, long maxBytes, Duration ttl) {
        long floor = Math.max(1, maxBytes / Math.max(1, maxEntries));
        this.ttl = ttl;
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes)
                .weigher((String k, CachedAnswer a) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor,
                        a.answer().body().length + 256L)))
                .expireAfter(CachedAnswer.EXPIRY).build();
    }

    /** Adds a second level; entries found there live in the first level only as long as they had left there. */
    public ResponseCache secondLevel(SecondLevel level) {
        this.second = level;
        return this;
    }

    public static String key(String tenant, ObjectNode request) {
        return key(tenant, "chat", request);
    }

    /**
     * The key of one request on one client API: the same body sent to two endpoints (chat and Messages, say) has
     * two different answers, so the endpoint is part of the key.
     */
    public static String key(String tenant, String endpoint, ObjectNode request) {
        ObjectNode top = Json.NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = request.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!NOT_PART_OF_KEY.contains(f.getKey())) {
                top.set(f.getKey(), f.getValue());
            }
        }
        try {
            byte[] body = Json.MAPPER.writeValueAsBytes(top);
            MessageDigest md = Sha256.digest();
            md.update(tenant.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(endpoint.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(body);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Answer get(String key) {
        CachedAnswer a = cache.getIfPresent(key);
        if (a != null) {
            return a.answer();
        }
        SecondLevel l2 = second;
        byte[] stored = l2 == null ? null : l2.get(key);
        if (stored == null) {
            return null;
        }
        CachedAnswer found = CachedAnswer.read(stored);
        if (found == null || found.expiresAtMs() <= System.currentTimeMillis()) {
            return null;
        }
        cache.put(key, found);
        return found.answer();
    }

    public void put(String key, Answer answer) {
        CachedAnswer a = new CachedAnswer(answer, System.currentTimeMillis() + ttl.toMillis());
        cache.put(key, a);
        SecondLevel l2 = second;
        if (l2 != null) {
            l2.put(key, a.write(), ttl);
        }
    }

    public long size() {
        return cache.estimatedSize();
    }
}
