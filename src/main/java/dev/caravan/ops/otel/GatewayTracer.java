package dev.caravan.ops.otel;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.gateway.CallFacts;
import dev.caravan.gateway.CallListener;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.logging.Redactor;
import dev.caravan.provider.UpstreamRequest;

/**
 * Caravan's OpenTelemetry: one SERVER span per API request (started at the edge, ended when the reply or the
 * stream ends), one CLIENT span per upstream attempt, both with the GenAI semantic-convention attributes, and the
 * {@code gen_ai.client.token.usage} / {@code gen_ai.client.operation.duration} histograms. Fed by the gateway's own
 * hooks (the edge, the upstream call step, the call events), not by per-route Camel tracing. Exists only when
 * {@code caravan.otel.endpoint} is set; otherwise nothing of it is created and the hooks see null.
 */
public final class GatewayTracer implements CallListener {

    /** gen_ai.client.operation.duration buckets (seconds), from the GenAI metrics convention. */
    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    /** gen_ai.client.token.usage buckets (tokens), from the GenAI metrics convention. */
    static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Message> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Message m) {
            return m.getHeaders().keySet();
        }

        @Override
        public String get(Message m, String key) {
            return m == null ? null : m.getHeader(key, String.class);
        }
    };

    private final Tracer tracer;
    private final DoubleHistogram duration;
    private final LongHistogram tokens;
    private final Redactor redactor;
    private final int contentMaxChars;
    private volatile Predicate<Principal> content;
    private final long anchorEpochNanos;
    private final long anchorNanoTime;

    /**
     * @param tracer  null when traces are off
     * @param meter   null when metrics are off
     * @param content which keys' calls carry their prompts and completions (redacted) on their spans
     */
    GatewayTracer(Tracer tracer, Meter meter, Predicate<Principal> content, Redactor redactor, int contentMaxChars) {
        this.tracer = tracer;
        this.content = content;
        this.redactor = redactor;
        this.contentMaxChars = contentMaxChars;
        if (meter != null) {
            duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                    .setDescription("GenAI operation duration").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                    .build();
            tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                    .setDescription("Number of input and output tokens used")
                    .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
        } else {
            duration = null;
            tokens = null;
        }
        Instant now = Instant.now();
        anchorNanoTime = System.nanoTime();
        anchorEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** True when spans are recorded (the edge and upstream hooks are installed only then). */
    public boolean traces() {
        return tracer != null;
    }

    /** Replaces the content rule (a key store adds its per-key flag). */
    public void contentPolicy(Predicate<Principal> policy) {
        this.content = policy;
    }

    public Predicate<Principal> contentPolicy() {
        return content;
    }

    int contentMaxChars() {
        return contentMaxChars;
    }

    long nowEpochNanos() {
        return epochNanos(System.nanoTime());
    }

    private long epochNanos(long nanoTime) {
        return anchorEpochNanos + (nanoTime - anchorNanoTime);
    }

    /**
     * At the edge, before the request headers are dropped: starts the call's server span at the time the request
     * arrived, as a child of the client's {@code traceparent} when it sent one. The principal is not known yet;
     * the content rule is applied when the call ends and when its upstream attempts start.
     */
    public void begin(ChatCall call, Message in) {
        Context parent = W3C.extract(Context.root(), in, HEADERS);
        Span span = tracer.spanBuilder("caravan").setSpanKind(SpanKind.SERVER).setParent(parent)
                .setStartTimestamp(epochNanos(call.startNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.REQUEST_ID, call.requestId())
                .setAttribute(GenAi.HTTP_METHOD, in.getHeader(Exchange.HTTP_METHOD, String.class)).startSpan();
        call.attach(CallSpan.class, new CallSpan(span, parent.with(span)));
    }

    /**
     * Starts the client span of one upstream attempt; the returned span's {@link UpstreamSpan#request()} carries
     * its {@code traceparent}. Null when the call has no server span (it did not come through the edge).
     */
    public UpstreamSpan upstream(ChatCall call, Exchange exchange, UpstreamRequest req) {
        CallSpan cs = call == null ? null : call.attachment(CallSpan.class);
        if (cs == null) {
            return null;
        }
        if (!cs.content && call.principal() != null && content.test(call.principal())) {
            cs.content = true;
        }
        String op = GenAi.operation(call.endpoint());
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        if (model == null) {
            model = call.upstreamModel();
        }
        SpanBuilder b = tracer.spanBuilder(GenAi.spanName(op, model, "upstream " + req.provider()))
                .setSpanKind(SpanKind.CLIENT).setParent(cs.context);
        setIf(b, GenAi.OPERATION, op);
        setIf(b, GenAi.PROVIDER, GenAi.provider(req.provider()));
        setIf(b, GenAi.REQUEST_MODEL, model);
        setIf(b, GenAi.DEPLOYMENT, exchange.getMessage().getHeader(RouteHeaders.DEPLOYMENT, String.class));
        b.setAttribute(GenAi.REQUEST_ID, call.requestId());
        URI uri = req.uri();
        if (uri != null && uri.getHost() != null) {
            b.setAttribute(GenAi.SERVER_ADDRESS, uri.getHost());
            b.setAttribute(GenAi.SERVER_PORT, (long) (uri.getPort() > 0 ? uri.getPort()
                    : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80));
        }
        Span span = b.startSpan();
        Map<String, String> headers = new java.util.LinkedHashMap<>(req.headers());
        W3C.inject(cs.context.with(span), headers, Map::put);
        UpstreamRequest traced = new UpstreamRequest(req.provider(), req.uri(), headers, req.body(), req.stream(),
                req.timeout(), req.idle(), req.translator());
        return new UpstreamSpan(this, cs, span, traced);
    }

    @Override
    public void completed(ChatCall call, CallOutcome o) {
        String op = GenAi.operation(call.endpoint());
        CallSpan cs = call.attachment(CallSpan.class);
        Usage usage = CallFacts.usage(call, o);
        String requestModel = call.request() != null ? call.request().model() : null;
        JsonNode body = o.stream() ? null : call.response();
        String responseModel = cs != null ? cs.responseModel() : null;
        if (responseModel == null && body != null) {
            responseModel = text(body, "model");
        }
        String errorType = errorType(o);
        if (duration != null && op != null) {
            record(call, o, op, requestModel, responseModel, usage, errorType);
        }
        if (cs == null) {
            return;
        }
        long end = epochNanos(o.endNanos());
        AttributesBuilder response = Attributes.builder();
        if (responseModel != null) {
            response.put(GenAi.RESPONSE_MODEL, responseModel);
        }
        String responseId = cs.responseId() != null ? cs.responseId() : body != null ? text(body, "id") : null;
        if (responseId != null) {
            response.put(GenAi.RESPONSE_ID, responseId);
        }
        List<String> reasons = o.stream() ? cs.finishReasons() : finishReasons(body);
        if (!reasons.isEmpty()) {
            response.put(GenAi.FINISH_REASONS, reasons);
        }
        if (usage != null) {
            response.put(GenAi.INPUT_TOKENS, usage.prompt());
            response.put(GenAi.OUTPUT_TOKENS, usage.completion());
            if (usage.cached() > 0) {
                response.put(GenAi.CACHE_READ_TOKENS, usage.cached());
            }
            if (usage.cacheWrite() > 0) {
                response.put(GenAi.CACHE_CREATION_TOKENS, usage.cacheWrite());
            }
        }
        Attributes responseAttrs = response.build();
        UpstreamSpan answered = cs.swapPending(null);
        if (answered != null) {
            answered.span.setAllAttributes(responseAttrs);
            answered.end(end);
        }
        Span s = cs.server;
        s.updateName(GenAi.spanName(op, requestModel, call.endpoint() == null ? "caravan" : "caravan "
                + call.endpoint()));
        s.setAllAttributes(serverAttributes(call, o, op, requestModel, errorType));
        s.setAllAttributes(responseAttrs);
        if (cs.content || (call.principal() != null && content.test(call.principal()))) {
            Content.record(s, call, body, cs, redactor);
        }
        if (o.status() >= 500 || (o.stream() && "error".equals(o.result()))) {
            s.setStatus(StatusCode.ERROR);
        }
        s.end(end, TimeUnit.NANOSECONDS);
    }

    private Attributes serverAttributes(ChatCall call, CallOutcome o, String op, String requestModel,
            String errorType) {
        AttributesBuilder a = Attributes.builder();
        put(a, GenAi.OPERATION, op);
        put(a, GenAi.PROVIDER, GenAi.provider(call.provider()));
        put(a, GenAi.REQUEST_MODEL, requestModel);
        put(a, GenAi.ENDPOINT, call.endpoint());
        a.put(GenAi.HTTP_STATUS, (long) o.status());
        a.put(GenAi.STREAM, o.stream());
        put(a, GenAi.RESULT, o.result());
        put(a, GenAi.ERROR_TYPE, errorType);
        Principal p = call.principal();
        if (p != null) {
            put(a, GenAi.KEY_ID, p.keyId());
            put(a, GenAi.TENANT, p.tenant());
        }
        put(a, GenAi.DEPLOYMENT, CallFacts.deployment(call));
        a.put(GenAi.ATTEMPTS, (long) CallFacts.attempts(call));
        Double cost = CallFacts.cost(call, o);
        if (cost != null) {
            a.put(GenAi.COST, cost);
        }
        if (o.stream() && o.firstChunkNanos() > 0) {
            a.put(GenAi.TTFT, (o.firstChunkNanos() - call.startNanos()) / 1e9);
        }
        if (call.request() != null) {
            Integer max = call.request().outputCap();
            if (max != null) {
                a.put(GenAi.MAX_TOKENS, (long) max);
            }
            if (call.request().temperature() != null) {
                a.put(GenAi.TEMPERATURE, call.request().temperature());
            }
        }
        return a.build();
    }

    private void record(ChatCall call, CallOutcome o, String op, String requestModel, String responseModel,
            Usage usage, String errorType) {
        AttributesBuilder a = Attributes.builder();
        a.put(GenAi.OPERATION, op);
        put(a, GenAi.PROVIDER, GenAi.provider(call.provider()));
        put(a, GenAi.REQUEST_MODEL, requestModel);
        put(a, GenAi.RESPONSE_MODEL, responseModel);
        Attributes base = a.build();
        duration.record((o.endNanos() - call.startNanos()) / 1e9,
                errorType == null ? base : base.toBuilder().put(GenAi.ERROR_TYPE, errorType).build());
        if (usage != null) {
            tokens.record(usage.prompt(), base.toBuilder().put(GenAi.TOKEN_TYPE, "input").build());
            tokens.record(usage.completion(), base.toBuilder().put(GenAi.TOKEN_TYPE, "output").build());
        }
    }

    /** {@code error.type}: the error code sent, else the status; null for a call that succeeded. */
    static String errorType(CallOutcome o) {
        if (o.status() >= 400) {
            return o.errorCode() != null ? o.errorCode() : Integer.toString(o.status());
        }
        if ("error".equals(o.result())) {
            return o.errorCode() != null ? o.errorCode() : "stream_error";
        }
        return null;
    }

    /** Finish reasons of a reply: Chat Completions' choices, or an Anthropic message's {@code stop_reason}. */
    static List<String> finishReasons(JsonNode body) {
        if (body == null) {
            return List.of();
        }
        JsonNode stop = body.get("stop_reason");
        if (stop != null && stop.isTextual()) {
            return List.of(stop.asText());
        }
        JsonNode choices = body.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return List.of();
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>(choices.size());
        for (JsonNode c : choices) {
            JsonNode r = c.get("finish_reason");
            if (r != null && r.isTextual() && !out.contains(r.asText())) {
                out.add(r.asText());
            }
        }
        return out;
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static <T> void setIf(SpanBuilder b, io.opentelemetry.api.common.AttributeKey<T> k, T v) {
        if (v != null) {
            b.setAttribute(k, v);
        }
    }

    private static <T> void put(AttributesBuilder a, io.opentelemetry.api.common.AttributeKey<T> k, T v) {
        if (v != null) {
            a.put(k, v);
        }
    }
}
