package dev.caravan.ops.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import dev.caravan.api.Json;
import dev.caravan.ops.AdminReplies;
import dev.caravan.support.Secrets;

/**
 * {@code GET /health} (liveness) and {@code GET /ready} (readiness) on the admin plane, answered from Camel's health
 * checks: 200 with {@code "status":"UP"}, or 503 with {@code "DOWN"} and the checks that failed first in the list.
 * By Camel's default exposure level a healthy answer lists only the context check and an unhealthy one the failing
 * checks; {@code ?full} lists them all ({@code camel.health.exposure-level} changes the default).
 * Readiness covers the Camel context, every route and consumer being started, the providers, and whatever features
 * register ({@link ReadinessCheck}).
 */
public final class HealthEndpoints {

    private final CamelContext context;

    public HealthEndpoints(CamelContext context) {
        this.context = context;
    }

    public void health(Exchange exchange) {
        if (AdminReplies.allowGet(exchange)) {
            reply(exchange, HealthCheckHelper.invokeLiveness(context, exposure(exchange)));
        }
    }

    public void ready(Exchange exchange) {
        if (AdminReplies.allowGet(exchange)) {
            reply(exchange, HealthCheckHelper.invokeReadiness(context, exposure(exchange)));
        }
    }

    /** {@code ?full} lists every check; otherwise Camel's exposure level (default: the failing checks only). */
    private static String exposure(Exchange exchange) {
        String q = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        return q != null && (q.equals("full") || q.startsWith("full=") || q.contains("&full")) ? "full" : null;
    }

    /** Features that serve in a lesser mode ({@link ReadinessCheck#degradedWhen}): listed, still ready. */
    private void degraded(ObjectNode body) {
        ArrayNode list = null;
        for (ReadinessCheck c : context.getRegistry().findByType(ReadinessCheck.class)) {
            String why = c.degraded();
            if (why != null) {
                list = list == null ? body.putArray("degraded") : list;
                list.addObject().put("id", c.getId()).put("message", Secrets.scrub(why));
            }
        }
    }

    private void reply(Exchange exchange, Collection<HealthCheck.Result> results) {
        boolean up = context.isStarted() && results.stream().allMatch(r -> r.getState() != HealthCheck.State.DOWN);
        ObjectNode body = Json.NODES.objectNode();
        body.put("status", up ? "UP" : "DOWN");
        degraded(body);
        ArrayNode checks = body.putArray("checks");
        List<HealthCheck.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing((HealthCheck.Result r) -> r.getState() != HealthCheck.State.DOWN)
                .thenComparing(r -> r.getCheck().getId()));
        for (HealthCheck.Result r : sorted) {
            ObjectNode c = checks.addObject();
            c.put("id", r.getCheck().getId());
            c.put("status", r.getState().name());
            if (r.getState() != HealthCheck.State.UP) {
                r.getMessage().ifPresent(m -> c.put("message", Secrets.scrub(m)));
                r.getError().ifPresent(e -> c.put("error", e.getClass().getSimpleName()));
            }
        }
        AdminReplies.json(exchange, up ? 200 : 503, body.toString());
    }
}
