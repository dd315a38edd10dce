package dev.caravan.ops.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;

/**
 * Circuit breaker state per deployment. Breakers come and go with route reloads, so they are discovered at each
 * scrape ({@link #refresh()}) wherever they live: the {@link CircuitBreakerRegistry} Camel's circuitBreaker EIP
 * creates (a context plugin), any such registry bound as a bean, and {@link CircuitBreaker} beans. The label
 * {@code deployment} is the breaker's name without a leading {@code deployment.}.
 *
 * <p>Series: {@code caravan_breaker_state{deployment,state}} (1 for the current state, 0 for the others),
 * {@code caravan_breaker_failure_rate{deployment}} (percent, -1 until enough calls) and
 * {@code caravan_breaker_not_permitted_calls{deployment}}.
 */
public final class BreakerMetrics {

    private static final CircuitBreaker.State[] STATES = {CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
        CircuitBreaker.State.HALF_OPEN, CircuitBreaker.State.FORCED_OPEN, CircuitBreaker.State.DISABLED,
        CircuitBreaker.State.METRICS_ONLY};

    private final CamelContext context;
    private final MultiGauge state;
    private final MultiGauge failureRate;
    private final MultiGauge notPermitted;

    public BreakerMetrics(CamelContext context, MeterRegistry registry) {
        this.context = context;
        this.state = MultiGauge.builder("caravan.breaker.state")
                .description("Circuit breaker state per deployment: 1 for the current state").register(registry);
        this.failureRate = MultiGauge.builder("caravan.breaker.failure.rate")
                .description("Failure rate in percent over the breaker's window; -1 until enough calls")
                .register(registry);
        this.notPermitted = MultiGauge.builder("caravan.breaker.not.permitted.calls")
                .description("Calls refused while the breaker was open").register(registry);
    }

    /** Re-reads the breakers that exist now; called before each scrape. */
    public void refresh() {
        Map<String, CircuitBreaker> breakers = breakers();
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        List<MultiGauge.Row<?>> rates = new ArrayList<>();
        List<MultiGauge.Row<?>> refused = new ArrayList<>();
        for (Map.Entry<String, CircuitBreaker> e : breakers.entrySet()) {
            CircuitBreaker cb = e.getValue();
            Tags t = Tags.of("deployment", e.getKey());
            for (CircuitBreaker.State s : STATES) {
                states.add(MultiGauge.Row.of(t.and("state", s.name().toLowerCase(Locale.ROOT)), cb,
                        b -> b.getState() == s ? 1 : 0));
            }
            rates.add(MultiGauge.Row.of(t, cb, b -> b.getMetrics().getFailureRate()));
            refused.add(MultiGauge.Row.of(t, cb, b -> b.getMetrics().getNumberOfNotPermittedCalls()));
        }
        state.register(states, true);
        failureRate.register(rates, true);
        notPermitted.register(refused, true);
    }

    /** Every breaker reachable from the context, by deployment name. */
    public Map<String, CircuitBreaker> breakers() {
        Map<String, CircuitBreaker> out = new LinkedHashMap<>();
        CircuitBreakerRegistry plugin = context.getCamelContextExtension()
                .getContextPlugin(CircuitBreakerRegistry.class);
        if (plugin != null) {
            add(out, plugin.getAllCircuitBreakers());
        }
        for (CircuitBreakerRegistry r : context.getRegistry().findByType(CircuitBreakerRegistry.class)) {
            add(out, r.getAllCircuitBreakers());
        }
        add(out, context.getRegistry().findByType(CircuitBreaker.class));
        return out;
    }

    private static void add(Map<String, CircuitBreaker> out, Collection<CircuitBreaker> breakers) {
        for (CircuitBreaker cb : breakers) {
            out.putIfAbsent(deployment(cb.getName()), cb);
        }
    }

    static String deployment(String breakerName) {
        return breakerName.startsWith("deployment.") ? breakerName.substring("deployment.".length()) : breakerName;
    }
}
