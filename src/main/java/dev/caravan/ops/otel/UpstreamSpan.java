package dev.caravan.ops.otel;

import java.util.LinkedHashMap;
import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import dev.caravan.error.ApiException;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.UpstreamRequest;
import dev.caravan.provider.UpstreamResponse;

/**
 * The client span of one upstream attempt. A failed attempt ends when its failure is known; the attempt that
 * answered ends with the call (for a stream: when the stream ends) so that it carries the response's model, finish
 * reasons and usage.
 */
public final class UpstreamSpan {

    private final GatewayTracer tracer;
    private final CallSpan owner;
    final Span span;
    private final UpstreamRequest request;
    private volatile long endEpochNanos;

    UpstreamSpan(GatewayTracer tracer, CallSpan owner, Span span, UpstreamRequest request) {
        this.tracer = tracer;
        this.owner = owner;
        this.span = span;
        this.request = request;
    }

    /** The request to send: the original one plus the {@code traceparent} of this span. */
    public UpstreamRequest request() {
        return request;
    }

    /** Wraps a stream's client encoder to see its chunks (finish reasons, model, text when recorded). */
    public StreamEncoder encoder(StreamEncoder inner) {
        return new TracingEncoder(inner, owner, tracer.contentMaxChars());
    }

    /** The upstream answered ({@code result}: a response or a stream session) or failed ({@code err}). */
    public void finished(Object result, Throwable err) {
        if (err != null) {
            failed(err);
            return;
        }
        if (result instanceof UpstreamResponse r) {
            span.setAttribute(GenAi.HTTP_STATUS, r.status());
            if (r.status() >= 400) {
                String outcome = r.status() == 429 || r.status() >= 500 ? Integer.toString(r.status())
                        : "client_error";
                span.setAttribute(GenAi.ATTEMPT_OUTCOME, outcome);
                span.setAttribute(GenAi.ERROR_TYPE, Integer.toString(r.status()));
                span.setStatus(StatusCode.ERROR);
                span.end();
                return;
            }
            endEpochNanos = tracer.nowEpochNanos();
        } else {
            span.setAttribute(GenAi.HTTP_STATUS, 200L);
        }
        span.setAttribute(GenAi.ATTEMPT_OUTCOME, "ok");
        UpstreamSpan before = owner.swapPending(this);
        if (before != null) {
            before.end(0);
        }
    }

    private void failed(Throwable err) {
        String outcome;
        if (err instanceof ProviderUnavailable pu) {
            outcome = switch (pu.reason()) {
                case RATE_LIMITED, SERVER_ERROR -> pu.upstreamStatus() > 0 ? Integer.toString(pu.upstreamStatus())
                        : "error";
                case TIMEOUT -> "timeout";
                case CONNECTION -> "connection";
                case NOT_CONFIGURED -> "not_configured";
                case BREAKER_OPEN -> "breaker_open";
                case SKIPPED -> "skipped";
            };
            if (pu.upstreamStatus() > 0) {
                span.setAttribute(GenAi.HTTP_STATUS, (long) pu.upstreamStatus());
            }
        } else if (err instanceof ApiException ae) {
            outcome = "client_error";
            span.setAttribute(GenAi.HTTP_STATUS, (long) ae.status());
        } else {
            outcome = "error";
        }
        span.setAttribute(GenAi.ATTEMPT_OUTCOME, outcome);
        span.setAttribute(GenAi.ERROR_TYPE, outcome.equals("error") ? err.getClass().getName() : outcome);
        span.setStatus(StatusCode.ERROR);
        span.end();
    }

    /** Ends a span that answered: at the time its reply was complete, or {@code callEnd} for a stream. */
    void end(long callEndEpochNanos) {
        long at = endEpochNanos > 0 ? endEpochNanos : callEndEpochNanos;
        if (at > 0) {
            span.end(at, java.util.concurrent.TimeUnit.NANOSECONDS);
        } else {
            span.end();
        }
    }

    static Map<String, String> withHeader(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }
}
