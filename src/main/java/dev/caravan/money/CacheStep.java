package dev.caravan.money;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.auth.KeyPolicy;
import dev.caravan.cache.ResponseCache;
import dev.caravan.catalog.Cost;
import dev.caravan.gateway.ChatCall;
import dev.caravan.ops.metrics.GatewayMetrics;
import dev.caravan.provider.ChatResult;

/**
 * The response cache on the request path. A non-streamed call uses it when its key opts in or the request sends
 * {@code x-caravan-cache: use} ({@code skip} opts out for one request); the reply then says
 * {@code x-caravan-cache: HIT} or {@code MISS}. Entries are per tenant.
 */
public final class CacheStep {

    public static final String HEADER = "x-caravan-cache";

    private final ResponseCache cache;
    private final MoneyMetrics metrics;
    private final GatewayMetrics labelled;

    /**
     * {@code cache} null: caching disabled ({@code caravan.cache.enabled=false}). Hits and misses are counted in
     * {@code metrics} and, with model, key and tenant labels, in {@code labelled}.
     */
    public CacheStep(ResponseCache cache, MoneyMetrics metrics, GatewayMetrics labelled) {
        this.cache = cache;
        this.metrics = metrics;
        this.labelled = labelled;
    }

    /** Looks the call up; on a hit the body becomes the cached answer and true is returned. */
    boolean lookup(Exchange exchange, ChatCall call, CallCharge charge, KeyPolicy policy) throws IOException {
        if (cache == null || !wanted(call.clientHeader(HEADER), policy)) {
            return false;
        }
        charge.cacheKey = ResponseCache.key(charge.tenant, call.endpoint() == null ? "chat" : call.endpoint(),
                call.clientBody() instanceof ObjectNode sent ? sent : call.raw());
        ResponseCache.Answer a = cache.get(charge.cacheKey);
        if (a == null) {
            metrics.cacheMisses.increment();
            labelled.cacheMiss(call);
            call.responseHeader(HEADER, "MISS");
            return false;
        }
        metrics.cacheHits.increment();
        charge.cacheHit = a;
        call.provider(a.provider());
        call.upstreamModel(a.upstreamModel());
        call.responseHeader(HEADER, "HIT");
        labelled.cacheHit(call);
        // the answer as it was stored goes out as those bytes with the cost spliced in; bytes that cannot be
        // (not one plain JSON object) as a tree (Json.REPLIES: a key the provider repeated is not an error)
        ChatResult stored = ChatResult.stored(a.body(), a.usage());
        exchange.getMessage().setBody(stored != null ? stored
                : new ChatResult((ObjectNode) Json.REPLIES.readTree(a.body()), a.usage()));
        exchange.setProperty(Admission.CACHE_HIT, Boolean.TRUE);
        return true;
    }

    void store(ChatCall call, CallCharge charge, byte[] body, Usage usage, Cost cost) {
        if (cache != null && charge.cacheKey != null) {
            cache.put(charge.cacheKey, new ResponseCache.Answer(body, usage, cost, call.provider(),
                    call.upstreamModel()));
        }
    }

    static boolean wanted(String header, KeyPolicy policy) {
        if (header != null) {
            String h = header.trim().toLowerCase(Locale.ROOT);
            if (h.equals("use")) {
                return true;
            }
            if (h.equals("skip") || h.equals("no") || h.equals("off") || h.equals("bypass")) {
                return false;
            }
        }
        return policy.cache();
    }
}
