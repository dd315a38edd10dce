package dev.caravan.ops.otel;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.Attributes;
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

import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.gateway.CallFacts;
import dev.caravan.gateway.CallListener;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.logging.Redactor;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.UpstreamRequest;

/**
 * Caravan's OpenTelemetry: one SERVER span per API request (started at the edge, ended when the reply or the
 * stream ends), one CLIENT span per upstream attempt, both with the GenAI semantic-convention attributes, and the
 * {@code gen_ai.client.token.usage} / {@code gen_ai.client.operation.duration} histograms. Fed by the gateway's own
 * hooks (the edge, the upstream call step, the call events), not by per-route Camel tracing. Exists only when
 * {@code caravan.otel.endpoint} is set; otherwise nothing of it is created and the hooks see null.
 */
public final class GatewayTracer implements CallListener {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    /** The client's request headers, looked up by (lower-case) name. */
    private static final TextMapGetter<UnaryOperator<String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(UnaryOperator<String> headers) {
            return W3C.fields();
        }

        @Override
        public String get(UnaryOperator<String> headers, String key) {
            return headers == null ? null : headers.apply(key);
        }
    };

    private final Tracer tracer;
    private final GenAiMetrics metrics;
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
        this.metrics = meter == null ? null : new GenAiMetrics(meter);
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
    public void begin(ChatCall call, UnaryOperator<String> headers, String method) {
        Context parent = W3C.extract(Context.root(), headers, HEADERS);
        Span span = tracer.spanBuilder("caravan").setSpanKind(SpanKind.SERVER).setParent(parent)
                .setStartTimestamp(epochNanos(call.startNanos()), TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.REQUEST_ID, call.requestId())
                .setAttribute(GenAi.HTTP_METHOD, method).startSpan();
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
        ChatResult result = o.stream() ? null : call.result();
        String responseModel = cs != null ? cs.responseModel() : null;
        if (responseModel == null && result != null) {
            responseModel = result.model();
        }
        String errorType = SpanAttributes.errorType(o);
        if (metrics != null && op != null) {
            metrics.record(call, o, op, requestModel, responseModel, usage, errorType);
        }
        if (cs == null) {
            return;
        }
        long end = epochNanos(o.endNanos());
        UpstreamSpan answered = cs.swapPending(null);
        Span s = cs.server;
        if (!s.isRecording()) { // not sampled: nothing to describe
            if (answered != null) {
                answered.end(end);
            }
            s.end(end, TimeUnit.NANOSECONDS);
            return;
        }
        JsonNode body = result == null ? null : result.body(); // a sampled span describes the answer
        Attributes response = op == null ? Attributes.empty()
                : SpanAttributes.response(cs, body, o.stream(), responseModel, usage);
        if (answered != null) {
            answered.span.setAllAttributes(response);
            answered.end(end);
        }
        s.updateName(GenAi.spanName(op, requestModel, call.endpoint() == null ? "caravan" : "caravan "
                + call.endpoint()));
        s.setAllAttributes(SpanAttributes.server(call, o, op, requestModel, errorType));
        s.setAllAttributes(response);
        if (cs.content || (call.principal() != null && content.test(call.principal()))) {
            Content.record(s, call, body, cs, redactor);
        }
        if (o.status() >= 500 || (o.stream() && "error".equals(o.result()))) {
            s.setStatus(StatusCode.ERROR);
        }
        s.end(end, TimeUnit.NANOSECONDS);
    }

    private static <T> void setIf(SpanBuilder b, io.opentelemetry.api.common.AttributeKey<T> k, T v) {
        if (v != null) {
            b.setAttribute(k, v);
        }
    }
}
