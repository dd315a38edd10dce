package dev.caravan.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.HttpReplies;

/** {@code GET /admin/deployments}: every deployment with its breaker state, counters and latency. */
public final class DeploymentsView implements Processor {

    public record View(String id, String provider, String model, String state, float failureRate,
            float slowCallRate, int bufferedCalls, int failedCalls, long notPermittedCalls, double latencyEwmaMs,
            double weight) {
    }

    private final DeploymentRegistry registry;

    public DeploymentsView(DeploymentRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<View> out = new ArrayList<>();
        for (Deployment d : registry.all()) {
            out.add(new View(d.getId(), d.getProvider(), d.getModel(), d.getState(), d.getFailureRate(),
                    d.getSlowCallRate(), d.getBufferedCalls(), d.getFailedCalls(), d.getNotPermittedCalls(),
                    Math.round(d.getLatencyEwmaMillis() * 10) / 10.0, d.getWeight()));
        }
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(Map.of("deployments", out)), Map.of());
    }
}
