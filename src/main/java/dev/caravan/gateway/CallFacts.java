package dev.caravan.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Usage;

/**
 * Facts about a finished call that several listeners (access log, metrics, metering) read the same way. Values that
 * later features set are read from their documented places, so listeners need no change when those features land:
 * the deployment from the {@code x-caravan-deployment} response header, the cost from {@code usage.cost} (or the
 * {@code x-caravan-cost-usd} response header).
 */
public final class CallFacts {

    public static final String DEPLOYMENT_HEADER = "x-caravan-deployment";
    public static final String COST_HEADER = "x-caravan-cost-usd";

    private CallFacts() {
    }

    /** The deployment that answered, or null when the route has no deployments. */
    public static String deployment(ChatCall call) {
        return call.deployment() != null ? call.deployment() : call.responseHeaders().get(DEPLOYMENT_HEADER);
    }

    /** The usage the call ended with: the outcome's, else what the call recorded. */
    public static Usage usage(ChatCall call, CallOutcome o) {
        return o.usage() != null ? o.usage() : call.usage();
    }

    /** The call's cost in USD, or null when nobody priced it (an unknown price is not a zero price). */
    public static Double cost(ChatCall call, CallOutcome o) {
        if (call.isCharged()) {
            // the gateway's own price wins over a cost a provider reports in its usage (OpenRouter does)
            return call.chargedUsd() == null ? null : call.chargedUsd().doubleValue();
        }
        Double c = costOf(o.usage());
        if (c == null) {
            c = costOf(call.usage());
        }
        if (c == null) {
            String h = call.responseHeaders().get(COST_HEADER);
            if (h != null) {
                try {
                    c = Double.parseDouble(h.trim());
                } catch (NumberFormatException e) {
                    c = null;
                }
            }
        }
        return c == null || c.isNaN() || c.isInfinite() || c < 0 ? null : c;
    }

    private static Double costOf(Usage u) {
        if (u == null) {
            return null;
        }
        JsonNode c = u.extra().get("cost");
        return c != null && c.isNumber() ? c.asDouble() : null;
    }

    /** Attempts made (failover), at least 1 once a provider was called, 0 when the call never reached one. */
    public static int attempts(ChatCall call) {
        int n = call.attempts().size();
        return n > 0 ? n : call.provider() != null ? 1 : 0;
    }
}
