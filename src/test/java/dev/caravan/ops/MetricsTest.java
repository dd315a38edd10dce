package dev.caravan.ops;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.gateway.ChatCall;
import dev.caravan.ops.metrics.GatewayMetrics;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics after known traffic: counts, tokens, cost, errors, latency, streams, breakers, hooks for others. */
class MetricsTest extends GatewayTestSupport {

    static final String COMPLETION = """
            {"id":"chatcmpl-m","object":"chat.completion","created":1735689600,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,
             "prompt_tokens_details":{"cached_tokens":4},"cost":0.0025}}""";

    @BeanInject
    CamelContext context;

    @BeanInject("gatewayMetrics")
    GatewayMetrics metrics;

    @BeforeEach
    void clear() {
        stub.reset();
    }

    PrometheusText scrape() {
        HttpResponse<String> r = adminGet("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        return new PrometheusText(r.body());
    }

    static String chat(boolean stream) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void requestsTokensCostAndLatencyCountKnownTraffic() {
        stub.always((req, reply) -> reply.json(200, COMPLETION));
        PrometheusText before = scrape();
        for (int i = 0; i < 3; i++) {
            assertThat(chat(chat(false)).statusCode()).isEqualTo(200);
        }
        PrometheusText after = scrape();
        assertThat(delta(before, after, "caravan_requests_total", "outcome", "ok", "stream", "false", "endpoint",
                "chat", "provider", "openai", "model", "openai/gpt-4o-mini", "key_id", "test", "tenant", "default",
                "deployment", "none")).isEqualTo(3.0);
        assertThat(delta(before, after, "caravan_tokens_total", "kind", "input")).isEqualTo(27.0);
        assertThat(delta(before, after, "caravan_tokens_total", "kind", "output")).isEqualTo(9.0);
        assertThat(delta(before, after, "caravan_tokens_total", "kind", "cached")).isEqualTo(12.0);
        // the gateway's own price (gpt-4o-mini: 5 x 0.15 + 4 cached x 0.075 + 3 x 0.60 USD per million per call),
        // not the 0.0025 the upstream reports in its usage
        assertThat(delta(before, after, "caravan_cost_usd_total")).isCloseTo(3 * 0.00000285, within());
        assertThat(delta(before, after, "caravan_request_duration_seconds_count", "provider", "openai", "stream",
                "false")).isEqualTo(3.0);
        // every call is slower than 0 and faster than 120 s: all of them are in the 120 s bucket
        assertThat(delta(before, after, "caravan_request_duration_seconds_bucket", "provider", "openai", "stream",
                "false", "le", "120.0")).isEqualTo(3.0);
    }

    @Test
    void errorsAreCountedByStatusAndType() {
        stub.always((req, reply) -> reply.json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        PrometheusText before = scrape();
        assertThat(chat(chat(false)).statusCode()).isEqualTo(502);
        HttpResponse<String> unauthorized = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer wrong-key-000000").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat(false))).build());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        PrometheusText after = scrape();
        assertThat(delta(before, after, "caravan_errors_total", "status", "502", "type", "server_error",
                "provider", "openai")).isEqualTo(1.0);
        assertThat(delta(before, after, "caravan_errors_total", "status", "401", "type", "authentication_error",
                "key_id", "none", "model", "none")).isEqualTo(1.0);
        assertThat(delta(before, after, "caravan_requests_total", "outcome", "error")).isEqualTo(2.0);
    }

    @Test
    void streamsCountTimeToFirstTokenAndOpenStreams() throws Exception {
        List<String> events = new ArrayList<>();
        events.add(StubUpstream.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"a\"}}]}"));
        for (int i = 0; i < 6; i++) {
            events.add(StubUpstream.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w\"}}]}"));
        }
        events.add(StubUpstream.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
        events.add(StubUpstream.data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14}}"));
        events.add("data: [DONE]\n\n");
        stub.always((req, reply) -> reply.sse(events, 150));
        PrometheusText before = scrape();
        CompletableFuture<StreamResult> running = CompletableFuture.supplyAsync(() -> stream(chat(true)));

        assertThat(waitFor(() -> scrape().sum("caravan_streams_in_flight") == 1.0)).isTrue();
        StreamResult done = running.get(10, TimeUnit.SECONDS);
        assertThat(done.endsWithDone()).isTrue();
        assertThat(waitFor(() -> scrape().sum("caravan_streams_in_flight") == 0.0)).isTrue();

        PrometheusText after = scrape();
        assertThat(delta(before, after, "caravan_requests_total", "stream", "true", "outcome", "ok")).isEqualTo(1.0);
        assertThat(delta(before, after, "caravan_ttft_seconds_count", "provider", "openai")).isEqualTo(1.0);
        assertThat(delta(before, after, "caravan_tokens_total", "kind", "output")).isEqualTo(5.0);
        // the gateway prices the stream from its final usage chunk: 9 x 0.15 + 5 x 0.60 USD per million
        assertThat(delta(before, after, "caravan_cost_usd_total")).isCloseTo(0.00000435, within());
        assertThat(delta(before, after, "caravan_requests_unpriced_total")).isZero();
    }

    @Test
    void breakerStateIsReportedPerDeployment() throws Exception {
        CircuitBreakerRegistry deployments = context.getRegistry()
                .findSingleByType(dev.caravan.routing.DeploymentRegistry.class).breakers();
        deployments.circuitBreaker("deployment.test-primary");
        CircuitBreakerRegistry mine = CircuitBreakerRegistry.ofDefaults();
        CircuitBreaker other = mine.circuitBreaker("test-secondary");
        context.getRegistry().bind("testBreakers", mine);
        try {
            PrometheusText closed = scrape();
            assertThat(closed.sum("caravan_breaker_state", "deployment", "test-primary", "state", "closed"))
                    .isEqualTo(1.0);
            assertThat(closed.sum("caravan_breaker_state", "deployment", "test-secondary", "state", "closed"))
                    .isEqualTo(1.0);

            deployments.circuitBreaker("deployment.test-primary").transitionToOpenState();
            other.transitionToForcedOpenState();
            PrometheusText open = scrape();
            assertThat(open.sum("caravan_breaker_state", "deployment", "test-primary", "state", "open"))
                    .isEqualTo(1.0);
            assertThat(open.sum("caravan_breaker_state", "deployment", "test-primary", "state", "closed"))
                    .isEqualTo(0.0);
            assertThat(open.sum("caravan_breaker_state", "deployment", "test-secondary", "state", "forced_open"))
                    .isEqualTo(1.0);
        } finally {
            deployments.remove("deployment.test-primary");
            context.getRegistry().unbind("testBreakers");
        }
        // a breaker that is gone is no longer reported
        assertThat(scrape().has("caravan_breaker_state", "deployment", "test-primary")).isFalse();
    }

    @Test
    void otherFeaturesFeedCacheHitsAndQueueDepth() {
        ChatCall call = new ChatCall("req_test", System.nanoTime(), null, true, java.util.Map.of());
        PrometheusText before = scrape();
        metrics.cacheHit(call);
        metrics.cacheHit(call);
        metrics.cacheMiss(call);
        metrics.queueDepth("test-queue", () -> 7);
        PrometheusText after = scrape();
        assertThat(delta(before, after, "caravan_cache_hits_total")).isEqualTo(2.0);
        assertThat(delta(before, after, "caravan_cache_misses_total")).isEqualTo(1.0);
        System.gc(); // the gauge keeps its supplier: it must not read NaN once the caller's reference is gone
        assertThat(scrape().sum("caravan_queue_depth", "queue", "test-queue")).isEqualTo(7.0);
    }

    @Test
    void routeFilesCanCountTheirOwnMetricsAndTheJvmIsIncluded() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:test.micrometer").routeId("test.micrometer")
                        .to("micrometer:counter:caravan.test.custom?tags=source=route");
            }
        });
        context.createProducerTemplate().sendBody("direct:test.micrometer", "x");
        PrometheusText m = scrape();
        assertThat(m.sum("caravan_test_custom_total", "source", "route")).isEqualTo(1.0);
        assertThat(m.has("jvm_memory_used_bytes")).isTrue();
        assertThat(m.has("process_cpu_usage")).isTrue();
        // the event loops' probe runs from the start
        assertThat(waitFor(() -> scrape().sum("caravan_event_loop_delay_seconds_count", "group", "io") > 0)).isTrue();
        HttpResponse<String> open = send(HttpRequest.newBuilder(adminUri("/metrics"))
                .header("accept", "application/openmetrics-text; version=1.0.0").GET().build());
        assertThat(open.headers().firstValue("content-type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(open.body()).endsWith("# EOF\n");
    }

    static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
