package dev.caravan.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.HttpReplies;

/**
 * {@code GET /admin/deployments}: every deployment with its breaker state, counters and latency, as this replica
 * sees them: breakers are per replica ({@code "breaker_scope": "replica"}, {@code "replica_id"}; why:
 * docs/operations.md, "Breakers are per replica").
 */
public final class DeploymentsView implements Processor {

    public record View(String id, String provider, String model, String state, float failureRate,
            float slowCallRate, int bufferedCalls, int failedCalls, long notPermittedCalls, double latencyEwmaMs,
            double weight) {
    }

    /** Breaker state lives in each replica's memory: one replica's open breaker does not open another's. */
    public static final String BREAKER_SCOPE = "replica";

    private final DeploymentRegistry registry;
    private final String replicaId;

    public DeploymentsView(DeploymentRegistry registry, String replicaId) {
        this.registry = registry;
        this.replicaId = replicaId;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<View> out = new ArrayList<>();
        for (Deployment d : registry.all()) {
            out.add(new View(d.getId(), d.getProvider(), d.getModel(), d.getState(), d.getFailureRate(),
                    d.getSlowCallRate(), d.getBufferedCalls(), d.getFailedCalls(), d.getNotPermittedCalls(),
                    Math.round(d.getLatencyEwmaMillis() * 10) / 10.0, d.getWeight()));
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("breaker_scope", BREAKER_SCOPE);
        reply.put("replica_id", replicaId);
        reply.put("deployments", out);
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(reply), Map.of());
    }
}
