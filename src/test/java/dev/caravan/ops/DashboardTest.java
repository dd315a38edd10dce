package dev.caravan.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import dev.caravan.gateway.ChatCall;
import dev.caravan.ops.metrics.GatewayMetrics;
import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Every series the Grafana dashboard queries is one the gateway really exports. */
class DashboardTest extends GatewayTestSupport {

    static final Pattern METRIC = Pattern.compile("\\b((?:caravan|jvm|process)_[a-z_]+)\\b");

    @BeanInject
    CamelContext context;

    @BeanInject("gatewayMetrics")
    GatewayMetrics metrics;

    @Test
    void theDashboardOnlyUsesExportedSeries() throws Exception {
        JsonNode dashboard = json(Files.readString(Path.of("docker/grafana/dashboards/caravan.json")));
        Set<String> used = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).contains("caravan_requests_total", "caravan_ttft_seconds_bucket", "caravan_cost_usd_total",
                "caravan_breaker_state", "caravan_queue_depth");

        // traffic of every kind, so that every series exists once
        stub.always((req, reply) -> reply.json(200, MetricsTest.COMPLETION));
        chat(MetricsTest.chat(false));
        stub.always((req, reply) -> reply.sse(java.util.List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n"), 0));
        stream(MetricsTest.chat(true));
        stub.always((req, reply) -> reply.json(500, "{}"));
        chat(MetricsTest.chat(false));
        ChatCall call = new ChatCall("req_d", System.nanoTime(), null, true, java.util.Map.of());
        metrics.cacheHit(call);
        metrics.cacheMiss(call);
        metrics.queueDepth("ledger", () -> 0);
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        breakers.circuitBreaker("dashboard-test");
        context.getRegistry().bind("dashboardBreakers", breakers);
        try {
            // GC pause series exist once a collection happened since start
            System.gc();
            MetricsTest.waitFor(() -> adminGet("/metrics").body().contains("jvm_gc_pause_seconds_sum"));
            PrometheusText scraped = new PrometheusText(adminGet("/metrics").body());
            Set<String> exported = new TreeSet<>();
            scraped.samples().forEach(s -> exported.add(s.name()));
            assertThat(exported).containsAll(used);
        } finally {
            context.getRegistry().unbind("dashboardBreakers");
        }
    }
}
