package dev.caravan.ops.otel;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenTelemetry is off by default: without {@code caravan.otel.endpoint} no tracer exists (nothing is exported,
 * the request path only checks for null) and a client's traceparent goes no further than the edge.
 */
class OtelOffRouteTest extends GatewayTestSupport {

    @BeanInject
    CamelContext context;

    static final String OK = """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"ok"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    @Test
    void noTracerAndNoTraceparentUpstream() {
        assertThat(context.getRegistry().lookupByName("gatewayTracer")).isNull();
        assertThat(context.getRegistry().findByType(GatewayTracer.class)).isEmpty();
        stub.always((req, reply) -> reply.json(200, OK));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(stub.lastRequest().header("traceparent")).isNull();
        assertThat(stub.lastRequest().header("tracestate")).isNull();
    }
}
