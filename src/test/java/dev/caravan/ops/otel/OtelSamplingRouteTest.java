package dev.caravan.ops.otel;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.OtlpReceiver;

import static dev.caravan.testing.OtlpReceiver.attr;
import static dev.caravan.testing.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sampling is parent-based: with {@code sample-ratio=0} a request of its own is not recorded (the upstream still
 * gets a traceparent, flagged not sampled), while a request whose caller sampled its trace is.
 */
class OtelSamplingRouteTest extends GatewayTestSupport {

    static final OtlpReceiver RECEIVER = OtlpReceiver.started();
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.otel.endpoint", RECEIVER.endpoint(), "caravan.otel.traces.delay-ms", "50",
                "caravan.otel.sample-ratio", "0", "caravan.otel.metrics.enabled", "false");
    }

    @AfterAll
    void stopReceiver() {
        RECEIVER.close();
    }

    static final String OK = """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"ok"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    HttpResponse<String> ask(String traceparent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json");
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
    }

    @Test
    void unsampledRequestsAreNotRecordedButTheCallersSampledTracesAre() {
        stub.always((req, reply) -> reply.json(200, OK));
        HttpResponse<String> own = ask(null);
        assertThat(own.statusCode()).isEqualTo(200);
        String upstream = stub.lastRequest().header("traceparent");
        assertThat(upstream).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[02]");

        HttpResponse<String> sampled = ask("00-" + TRACE_ID + "-b7ad6b7169203331-01");
        assertThat(sampled.statusCode()).isEqualTo(200);
        assertThat(stub.lastRequest().header("traceparent")).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
        String id = sampled.headers().firstValue("x-request-id").orElseThrow();
        Span s = await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.spans().stream()
                .filter(x -> id.equals(attr(x, "caravan.request_id")) && x.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst().orElse(null), x -> x != null);
        assertThat(hex(s.getTraceId().toByteArray())).isEqualTo(TRACE_ID);
        // the unsampled request's spans never reach the collector (they were exported before the sampled one's)
        String ownId = own.headers().firstValue("x-request-id").orElseThrow();
        assertThat(RECEIVER.spans()).noneMatch(x -> ownId.equals(attr(x, "caravan.request_id")));
        assertThat(RECEIVER.spans()).noneMatch(x -> upstream.substring(3, 35).equals(hex(x.getTraceId().toByteArray())));
    }
}
