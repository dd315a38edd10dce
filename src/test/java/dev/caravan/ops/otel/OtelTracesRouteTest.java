package dev.caravan.ops.otel;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.OtlpReceiver;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

import static dev.caravan.testing.OtlpReceiver.attr;
import static dev.caravan.testing.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces and GenAI metrics through the real routes, exported over OTLP/HTTP to an in-process collector: one
 * server span per request, one client span per upstream attempt (a failover shows two), the GenAI attributes,
 * streams ending their span when the stream ends, the client's traceparent continued and sent upstream, and
 * prompts/completions only for the key that enabled them, redacted.
 */
class OtelTracesRouteTest extends GatewayTestSupport {

    static final OtlpReceiver RECEIVER = OtlpReceiver.started();
    static final String CONTENT_KEY = "sk-cvn-test-contentkey-0123456789ab";
    static final String SECRET = "sk-proj-othertenantsecret-4455667788";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.otel.endpoint", RECEIVER.endpoint(), "caravan.otel.traces.delay-ms", "50",
                "caravan.otel.metrics.interval-ms", "1000", "caravan.otel.service-name", "caravan-test",
                "caravan.keys.content", CONTENT_KEY, "caravan.otel.content.keys", "content",
                "caravan.log.redact-patterns", "\\b\\d{3}-\\d{2}-\\d{4}\\b");
    }

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        Files.writeString(dir.resolve("routes/routing.camel.yaml"),
                RouteYaml.deployment("a", "openai", "m-a", "")
                        + RouteYaml.deployment("b", "groq", "m-b", "")
                        + RouteYaml.chain("ab", RouteYaml.FAILOVER, "a", "b")
                        + RouteYaml.routeChatWhen("${body.model} == 'chain/ab'", "to: direct:chain.ab"));
    }

    @AfterAll
    void stopReceiver() {
        RECEIVER.close();
    }

    static final String OK = """
            {"id":"chatcmpl-%s","object":"chat.completion","created":1,"model":"%s-2025","choices":[{"index":0,
             "message":{"role":"assistant","content":"the SSN was 123-45-6789"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}""";

    @BeforeEach
    void upstream() {
        stub.reset();
        stub.always((req, reply) -> {
            String provider = req.path().split("/")[1];
            if (req.path().endsWith("/embeddings")) {
                reply.json(200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                        + "\"embedding\":[0.25,-0.5]}],\"model\":\"text-embedding-3-small\","
                        + "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}");
            } else if (req.body().contains("\"stream\":true")) {
                reply.sse(List.of(
                        StubUpstream.data("{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                + "\"model\":\"gpt-4o-mini-2024\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                                + "\"streamed 123-45-6789\"},\"finish_reason\":null}]}"),
                        StubUpstream.data("{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                + "\"model\":\"gpt-4o-mini-2024\",\"choices\":[{\"index\":0,\"delta\":{},"
                                + "\"finish_reason\":\"length\"}]}"),
                        StubUpstream.data("{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                + "\"model\":\"gpt-4o-mini-2024\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,"
                                + "\"completion_tokens\":9,\"total_tokens\":30}}"),
                        "data: [DONE]\n\n"), 0);
            } else if (provider.equals("openai") && req.body().contains("\"m-a\"")) {
                reply.json(503, "{\"error\":{\"message\":\"busy\"}}");
            } else {
                reply.json(200, OK.formatted(provider, provider));
            }
        });
    }

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT_ID = "00f067aa0ba902b7";

    HttpResponse<String> chat(String key, String json, String traceparent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json");
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** The exported server span of a request (found by its request id) once the export arrived. */
    Span server(String requestId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.spans().stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                        && requestId.equals(attr(s, "caravan.request_id")))
                .findFirst().orElse(null), s -> s != null);
    }

    /** The client spans under a server span, in start order, once {@code n} of them arrived. */
    List<Span> clients(Span server, int n) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.spans().stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
                        && s.getParentSpanId().equals(server.getSpanId()))
                .sorted(java.util.Comparator.comparingLong(Span::getStartTimeUnixNano)).toList(),
                l -> l.size() >= n);
    }

    @Test
    void aChatCallHasAServerSpanAndAClientSpanWithTheGenAiAttributes() {
        HttpResponse<String> r = chat(KEY, "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":50,\"temperature\":0.2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"my SSN is 123-45-6789\"}]}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(s.getName()).isEqualTo("chat openai/gpt-4o-mini");
        assertThat(attr(s, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(attr(s, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(attr(s, "gen_ai.request.model")).isEqualTo("openai/gpt-4o-mini");
        assertThat(attr(s, "gen_ai.response.model")).isEqualTo("openai-2025");
        assertThat(attr(s, "gen_ai.response.id")).isEqualTo("chatcmpl-openai");
        assertThat(attr(s, "gen_ai.usage.input_tokens")).isEqualTo(11L);
        assertThat(attr(s, "gen_ai.usage.output_tokens")).isEqualTo(7L);
        assertThat(attr(s, "gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
        assertThat(attr(s, "gen_ai.request.max_tokens")).isEqualTo(50L);
        assertThat(attr(s, "gen_ai.request.temperature")).isEqualTo(0.2);
        assertThat(attr(s, "caravan.key_id")).isEqualTo("test");
        assertThat(attr(s, "caravan.tenant")).isNotNull();
        assertThat(attr(s, "caravan.attempts")).isEqualTo(1L);
        assertThat(attr(s, "http.response.status_code")).isEqualTo(200L);
        assertThat(attr(s, "caravan.stream")).isEqualTo(false);
        assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(s.getEndTimeUnixNano()).isGreaterThan(s.getStartTimeUnixNano());
        // content is recorded only for keys that enabled it
        assertThat(attr(s, "gen_ai.input.messages")).isNull();
        assertThat(attr(s, "gen_ai.output.messages")).isNull();

        Span c = clients(s, 1).get(0);
        assertThat(hex(c.getTraceId().toByteArray())).isEqualTo(hex(s.getTraceId().toByteArray()));
        assertThat(c.getName()).isEqualTo("chat gpt-4o-mini");
        assertThat(attr(c, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(attr(c, "gen_ai.request.model")).isEqualTo("gpt-4o-mini");
        assertThat(attr(c, "gen_ai.response.model")).isEqualTo("openai-2025");
        assertThat(attr(c, "gen_ai.usage.input_tokens")).isEqualTo(11L);
        assertThat(attr(c, "caravan.attempt.outcome")).isEqualTo("ok");
        assertThat(attr(c, "server.address")).isEqualTo("127.0.0.1");
        assertThat(attr(c, "http.response.status_code")).isEqualTo(200L);
        assertThat(RECEIVER.serviceNames()).contains("caravan-test");
        assertThat(RECEIVER.contentTypes()).allMatch(t -> t.startsWith("application/x-protobuf"));
    }

    @Test
    void messagesAndEmbeddingsAreGenAiOperationsToo() {
        HttpResponse<String> m = post("/v1/messages", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
        Span ms = server(m.headers().firstValue("x-request-id").orElseThrow());
        assertThat(attr(ms, "caravan.endpoint")).isEqualTo("messages");
        assertThat(attr(ms, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(attr(ms, "gen_ai.response.finish_reasons")).isEqualTo(List.of("end_turn"));
        assertThat(attr(ms, "gen_ai.usage.output_tokens")).isEqualTo(7L);
        assertThat(clients(ms, 1)).hasSize(1);

        HttpResponse<String> e = post("/v1/embeddings", "{\"model\":\"openai/text-embedding-3-small\","
                + "\"input\":\"hello\"}");
        assertThat(e.statusCode()).as(e.body()).isEqualTo(200);
        Span es = server(e.headers().firstValue("x-request-id").orElseThrow());
        assertThat(es.getName()).isEqualTo("embeddings openai/text-embedding-3-small");
        assertThat(attr(es, "gen_ai.operation.name")).isEqualTo("embeddings");
        assertThat(attr(es, "gen_ai.usage.input_tokens")).isEqualTo(5L);
        assertThat(attr(clients(es, 1).get(0), "gen_ai.operation.name")).isEqualTo("embeddings");
    }

    @Test
    void aRequestRefusedAtTheEdgeStillHasAServerSpan() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer sk-cvn-wrong-key-000000000000").header("content-type",
                        "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\"}")).build());
        assertThat(r.statusCode()).isEqualTo(401);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(attr(s, "http.response.status_code")).isEqualTo(401L);
        assertThat(attr(s, "error.type")).isNotNull();
        assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(RECEIVER.spans()).noneMatch(c -> c.getParentSpanId().equals(s.getSpanId()));
    }

    @Test
    void aFailoverHasTwoClientSpansTheFirstFailed() {
        HttpResponse<String> r = chat(KEY, "{\"model\":\"chain/ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(attr(s, "caravan.deployment")).isEqualTo("b");
        assertThat(attr(s, "caravan.attempts")).isEqualTo(2L);
        assertThat(attr(s, "gen_ai.provider.name")).isEqualTo("groq");
        assertThat(attr(s, "gen_ai.request.model")).isEqualTo("chain/ab");
        List<Span> attempts = clients(s, 2);
        assertThat(attempts).hasSize(2);
        Span first = attempts.get(0);
        Span second = attempts.get(1);
        assertThat(attr(first, "caravan.deployment")).isEqualTo("a");
        assertThat(attr(first, "caravan.attempt.outcome")).isEqualTo("503");
        assertThat(attr(first, "error.type")).isEqualTo("503");
        assertThat(attr(first, "http.response.status_code")).isEqualTo(503L);
        assertThat(first.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(attr(first, "gen_ai.request.model")).isEqualTo("m-a");
        assertThat(attr(second, "caravan.deployment")).isEqualTo("b");
        assertThat(attr(second, "caravan.attempt.outcome")).isEqualTo("ok");
        assertThat(attr(second, "gen_ai.provider.name")).isEqualTo("groq");
        assertThat(attr(second, "gen_ai.request.model")).isEqualTo("m-b");
        assertThat(attr(second, "gen_ai.usage.output_tokens")).isEqualTo(7L);
        assertThat(second.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(second.getStartTimeUnixNano()).isGreaterThanOrEqualTo(first.getEndTimeUnixNano());
    }

    @Test
    void aStreamsServerSpanEndsWithTheStreamAndCarriesUsageAndFinishReasons() {
        StreamResult sr = stream("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(sr.response().statusCode()).isEqualTo(200);
        assertThat(sr.endsWithDone()).isTrue();
        Span s = server(sr.response().headers().firstValue("x-request-id").orElseThrow());
        assertThat(attr(s, "caravan.stream")).isEqualTo(true);
        assertThat(attr(s, "gen_ai.usage.input_tokens")).isEqualTo(21L);
        assertThat(attr(s, "gen_ai.usage.output_tokens")).isEqualTo(9L);
        assertThat(attr(s, "gen_ai.response.finish_reasons")).isEqualTo(List.of("length"));
        assertThat(attr(s, "gen_ai.response.model")).isEqualTo("gpt-4o-mini-2024");
        assertThat(attr(s, "caravan.ttft_s")).isNotNull();
        Span c = clients(s, 1).get(0);
        assertThat(attr(c, "gen_ai.usage.output_tokens")).isEqualTo(9L);
        assertThat(attr(c, "gen_ai.response.finish_reasons")).isEqualTo(List.of("length"));
        // the attempt that streamed ends with the stream, inside its server span
        assertThat(c.getEndTimeUnixNano()).isLessThanOrEqualTo(s.getEndTimeUnixNano());
        assertThat(c.getEndTimeUnixNano()).isGreaterThan(c.getStartTimeUnixNano());
    }

    @Test
    void theClientsTraceparentIsContinuedAndSentUpstream() {
        HttpResponse<String> r = chat(KEY, "{\"model\":\"openai/gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "00-" + TRACE_ID + "-" + PARENT_ID + "-01");
        assertThat(r.statusCode()).isEqualTo(200);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(hex(s.getTraceId().toByteArray())).isEqualTo(TRACE_ID);
        assertThat(hex(s.getParentSpanId().toByteArray())).isEqualTo(PARENT_ID);
        Span c = clients(s, 1).get(0);
        String upstream = stub.lastRequest().header("traceparent");
        assertThat(upstream).isEqualTo("00-" + TRACE_ID + "-" + hex(c.getSpanId().toByteArray()) + "-01");
    }

    @Test
    void withoutATraceparentTheUpstreamGetsTheGatewaysOwn() {
        HttpResponse<String> r = chat(KEY, "{\"model\":\"openai/gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(s.getParentSpanId().isEmpty()).isTrue();
        Span c = clients(s, 1).get(0);
        // flags: sampled, plus the W3C level-2 "random trace id" bit the SDK sets on ids it generates
        assertThat(stub.lastRequest().header("traceparent")).isIn(
                "00-" + hex(s.getTraceId().toByteArray()) + "-" + hex(c.getSpanId().toByteArray()) + "-01",
                "00-" + hex(s.getTraceId().toByteArray()) + "-" + hex(c.getSpanId().toByteArray()) + "-03");
    }

    @Test
    void promptsAndCompletionsAreRecordedOnlyForTheEnabledKeyAndRedacted() {
        dev.caravan.support.Secrets.register(SECRET);
        HttpResponse<String> r = chat(CONTENT_KEY, "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"my SSN is 123-45-6789 and a key " + SECRET + "\"}]}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        String in = (String) attr(s, "gen_ai.input.messages");
        String out = (String) attr(s, "gen_ai.output.messages");
        assertThat(in).contains("\"role\":\"user\"").contains("my SSN is").doesNotContain("123-45-6789")
                .doesNotContain(SECRET).contains("[redacted]");
        assertThat(out).contains("\"role\":\"assistant\"").contains("the SSN was").doesNotContain("123-45-6789")
                .contains("\"finish_reason\":\"stop\"");

        HttpResponse<String> sr = streamWith(CONTENT_KEY, "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        Span st = server(sr.headers().firstValue("x-request-id").orElseThrow());
        assertThat((String) attr(st, "gen_ai.output.messages")).contains("streamed")
                .doesNotContain("123-45-6789");
    }

    @Test
    void aVirtualKeyWithTraceContentHasItsContentRecorded() {
        HttpResponse<String> created = send(HttpRequest.newBuilder(adminUri("/admin/keys"))
                .header("authorization", "Bearer " + ADMIN_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"acme\",\"trace_content\":true}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created.body()).get("trace_content").asBoolean()).isTrue();
        String key = json(created.body()).get("key").asText();
        HttpResponse<String> r = chat(key, "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"tell me 123-45-6789\"}]}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Span s = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(attr(s, "caravan.tenant")).isEqualTo("acme");
        assertThat((String) attr(s, "gen_ai.input.messages")).contains("tell me").doesNotContain("123-45-6789");

        HttpResponse<String> plain = send(HttpRequest.newBuilder(adminUri("/admin/keys"))
                .header("authorization", "Bearer " + ADMIN_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"acme\"}")).build());
        assertThat(json(plain.body()).get("trace_content").asBoolean()).isFalse();
        r = chat(json(plain.body()).get("key").asText(), "{\"model\":\"openai/gpt-4o-mini\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
        Span p = server(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(attr(p, "gen_ai.input.messages")).isNull();
    }

    @Test
    void genAiHistogramsAreExportedWithTheConventionsUnitsAndBuckets() {
        chat(KEY, "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null);
        HistogramDataPoint d = point("gen_ai.client.operation.duration", "s", null);
        assertThat(d.getExplicitBoundsList()).containsExactlyElementsOf(GenAiMetrics.DURATION_BUCKETS);
        assertThat(d.getCount()).isGreaterThanOrEqualTo(1);
        HistogramDataPoint t = point("gen_ai.client.token.usage", "{token}", "input");
        assertThat(t.getExplicitBoundsList()).containsExactlyElementsOf(
                GenAiMetrics.TOKEN_BUCKETS.stream().map(Long::doubleValue).toList());
        assertThat(t.getSum()).isGreaterThanOrEqualTo(11.0);
        assertThat(point("gen_ai.client.token.usage", "{token}", "output").getSum()).isGreaterThanOrEqualTo(7.0);
    }

    /** A data point of the chat call above (operation chat, provider openai, the models asked for and answering). */
    HistogramDataPoint point(String metric, String unit, String tokenType) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.metrics().stream()
                .filter(m -> m.getName().equals(metric) && m.getUnit().equals(unit))
                .flatMap(m -> m.getHistogram().getDataPointsList().stream())
                .filter(p -> has(p, "gen_ai.operation.name", "chat") && has(p, "gen_ai.provider.name", "openai")
                        && has(p, "gen_ai.request.model", "openai/gpt-4o-mini")
                        && has(p, "gen_ai.response.model", "openai-2025")
                        && (tokenType == null || has(p, "gen_ai.token.type", tokenType)))
                .reduce((x, y) -> y).orElse(null), p -> p != null);
    }

    static boolean has(HistogramDataPoint p, String key, String value) {
        return p.getAttributesList().stream().anyMatch(kv -> kv.getKey().equals(key)
                && kv.getValue().getStringValue().equals(value));
    }

    HttpResponse<String> streamWith(String key, String json) {
        return send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + key)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }
}
