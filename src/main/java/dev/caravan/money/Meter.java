package dev.caravan.money;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.catalog.Cost;
import dev.caravan.catalog.ModelInfo;
import dev.caravan.catalog.PriceCatalog;
import dev.caravan.catalog.Pricing;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.gateway.ChatCall;

/**
 * Prices usage with the catalog and writes the result where clients see it: {@code usage.cost} (USD, a plain JSON
 * number, or null when the model has no price) and {@code usage.cost_details} in bodies and in the stream's final
 * usage chunk, {@code x-caravan-cost-usd} on non-streamed replies.
 */
public final class Meter {

    public static final String COST_HEADER = "x-caravan-cost-usd";
    public static final String UNKNOWN = "unknown";

    private final PriceCatalog catalog;
    private final Clock clock;

    public Meter(PriceCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    public PriceCatalog catalog() {
        return catalog;
    }

    /**
     * Prices {@code tokens} at the rates of the model that answered: the provider and model the router chose,
     * else the model the provider reported, else the model the client asked for.
     */
    public CallCharge.Priced price(ChatCall call, TokenCounts tokens, String reportedModel, boolean estimated) {
        ModelInfo m = modelOf(call, reportedModel);
        if (m == null || !m.isPriced()) {
            return new CallCharge.Priced(null, tokens, m, estimated, false, null);
        }
        return new CallCharge.Priced(Pricing.cost(m, tokens, clock.instant()), tokens, m, estimated, false, null);
    }

    ModelInfo modelOf(ChatCall call, String reportedModel) {
        String provider = call.provider();
        if (provider != null) {
            ModelInfo m = catalog.find(provider, call.upstreamModel()).orElse(null);
            if (m == null && reportedModel != null) {
                m = catalog.find(provider, reportedModel).orElse(null);
            }
            if (m != null) {
                return m;
            }
        }
        return call.request() == null ? null : catalog.find(call.request().model()).orElse(null);
    }

    /** The usage record with {@code cost} and {@code cost_details} added (for the stream's usage chunk). */
    public static Usage decorate(Usage u, CallCharge.Priced p) {
        Map<String, JsonNode> extra = new java.util.LinkedHashMap<>(u.extra());
        ObjectNode tmp = Json.NODES.objectNode();
        write(tmp, p);
        tmp.fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue()));
        return new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), u.promptTokensDetails(),
                u.completionTokensDetails(), extra);
    }

    /** Adds {@code cost} and {@code cost_details} to a usage object. */
    public static void write(ObjectNode usage, CallCharge.Priced p) {
        if (p.cost() == null) {
            usage.putNull("cost");
            return;
        }
        usage.set("cost", number(p.cost().total()));
        ObjectNode d = usage.putObject("cost_details");
        if (p.cacheHit()) {
            d.put("cache_hit", true);
            if (p.saved() != null) {
                d.set("saved", number(p.saved()));
            }
            return;
        }
        Cost c = p.cost();
        d.set("input", number(c.input()));
        d.set("cache_read", number(c.cacheRead()));
        d.set("cache_write", number(c.cacheWrite()));
        d.set("output", number(c.output()));
        d.set("reasoning", number(c.reasoning()));
        if (c.audio().signum() != 0) {
            d.set("audio", number(c.audio()));
        }
        if (c.requestFee().signum() != 0) {
            d.set("request", number(c.requestFee()));
        }
        if (p.estimated()) {
            d.put("estimated", true);
        }
    }

    /** The header value: plain USD, or {@code unknown}. */
    public static String header(CallCharge.Priced p) {
        return p.cost() == null ? UNKNOWN : Cost.plain(p.cost().total());
    }

    /** A JSON number written exactly as the decimal (no exponent, no binary rounding). */
    static JsonNode number(BigDecimal v) {
        return Json.NODES.rawValueNode(new RawValue(Cost.plain(v)));
    }
}
