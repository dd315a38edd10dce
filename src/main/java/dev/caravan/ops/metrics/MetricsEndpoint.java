package dev.caravan.ops.metrics;

import java.nio.charset.StandardCharsets;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.ops.AdminReplies;

/**
 * {@code GET /metrics} on the admin plane: the Prometheus text format (or OpenMetrics when the scraper asks for it
 * in {@code Accept}). Breakers are re-discovered before each scrape.
 */
public final class MetricsEndpoint implements Processor {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final BreakerMetrics breakers;

    public MetricsEndpoint(PrometheusMeterRegistry registry, BreakerMetrics breakers) {
        this.registry = registry;
        this.breakers = breakers;
    }

    @Override
    public void process(Exchange exchange) {
        if (!AdminReplies.allowGet(exchange)) {
            return;
        }
        String accept = exchange.getMessage().getHeader("Accept", "", String.class);
        breakers.refresh();
        String type = accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
        byte[] body = registry.scrape(type).getBytes(StandardCharsets.UTF_8);
        AdminReplies.send(exchange, 200, type, body);
    }
}
