package dev.caravan.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * The deployments the loaded routes define, and their circuit breakers. Breakers are kept by deployment id across
 * route reloads: a reload that leaves a deployment's breaker settings unchanged keeps its state and statistics.
 */
public final class DeploymentRegistry {

    /** Retry timer for calls that did not come in over the API (host applications calling direct: routes). */
    static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "caravan-retry");
                t.setDaemon(true);
                return t;
            });

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final Map<String, String> signatures = new ConcurrentHashMap<>();
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final Map<String, LatencyStats> latencies = new ConcurrentHashMap<>();

    public CircuitBreakerRegistry breakers() {
        return breakers;
    }

    synchronized CircuitBreaker breaker(String id, String signature, CircuitBreakerConfig config) {
        String name = "deployment." + id;
        if (!signature.equals(signatures.get(id))) {
            breakers.remove(name);
            signatures.put(id, signature);
        }
        return breakers.circuitBreaker(name, config);
    }

    /** Registers the newest revision of a deployment. */
    void register(Deployment d) {
        deployments.put(d.id(), d);
    }

    /** The latency average of a deployment, kept by id like its breaker (it survives reloads). */
    LatencyStats latency(String id) {
        return latencies.computeIfAbsent(id, k -> new LatencyStats());
    }

    public Deployment get(String id) {
        return deployments.get(id);
    }

    public List<Deployment> all() {
        List<Deployment> out = new ArrayList<>(deployments.values());
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    /** Forgets deployments whose routes were removed (their breakers go too). */
    public void unregister(String id) {
        deployments.remove(id);
        latencies.remove(id);
        signatures.remove(id);
        breakers.remove("deployment." + id);
    }
}
