package dev.caravan.ops.health;

import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness condition a feature contributes to {@code /ready} (the ledger's database, a Redis connection...). The
 * probe returns null when ready and otherwise says why not; an exception counts as not ready. Register it with
 * {@link #register}, or bind any Camel {@link org.apache.camel.health.HealthCheck} as a bean: every health check in
 * the registry is part of {@code /ready} (and of {@code /health} when it is a liveness check).
 *
 * <pre>{@code
 * ReadinessCheck.register(ctx, "ledger", () -> ledger.ping() ? null : "ledger database unreachable");
 * }</pre>
 */
public final class ReadinessCheck extends AbstractHealthCheck {

    private final Callable<String> probe;
    private volatile Callable<String> degraded = () -> null;

    public ReadinessCheck(String id, Callable<String> probe) {
        super("caravan", id);
        this.probe = probe;
    }

    /**
     * A second probe for a condition that leaves the replica ready but serving less well (shared state lost and
     * served on local counters): {@code /ready} stays 200 and lists it under {@code degraded}.
     */
    public ReadinessCheck degradedWhen(Callable<String> probe) {
        this.degraded = probe;
        return this;
    }

    /** Why this feature is degraded, or null when it is not. */
    public String degraded() {
        try {
            return degraded.call();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    /** Binds a readiness check under the bean name {@code readiness.<id>}; returns it. */
    public static ReadinessCheck register(CamelContext ctx, String id, Callable<String> probe) {
        ReadinessCheck check = new ReadinessCheck(id, probe);
        check.setCamelContext(ctx);
        ctx.getRegistry().bind("readiness." + id, check);
        return check;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            String problem = probe.call();
            if (problem == null || problem.isBlank()) {
                builder.up();
            } else {
                builder.message(problem).down();
            }
        } catch (Exception e) {
            builder.message(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))
                    .down();
        }
    }
}
