package dev.caravan.provider;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import dev.caravan.gateway.ChatCall;

/**
 * The HTTP call step of every provider route: body in is an {@link UpstreamRequest}; body out is an
 * {@link UpstreamResponse} (non-stream, or a stream's error reply) or a {@link StreamSession} whose first chunk
 * is ready. Transport failures become {@code ProviderUnavailable} on the exchange. Asynchronous: no Camel
 * thread waits for the provider.
 */
public final class UpstreamCall extends AsyncProcessorSupport {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamCall.class);

    private final UpstreamClient client;
    private volatile dev.caravan.ops.otel.GatewayTracer tracer;

    public UpstreamCall(UpstreamClient client) {
        this.client = client;
    }

    /** Records a client span per call and sends its traceparent upstream (only when OpenTelemetry is on). */
    public void tracer(dev.caravan.ops.otel.GatewayTracer t) {
        this.tracer = t;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        UpstreamRequest req = exchange.getMessage().getBody(UpstreamRequest.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        // the client's own event loop, so the upstream exchange and the reply stay on one thread
        io.netty.channel.EventLoop loop = call == null || call.channel() == null ? null
                : call.channel().channel().eventLoop();
        dev.caravan.ops.otel.GatewayTracer t = tracer;
        dev.caravan.ops.otel.UpstreamSpan span = t == null ? null : t.upstream(call, exchange, req);
        if (span != null) {
            req = span.request();
        }
        StreamEncoder encoder = !req.stream() ? null : call == null ? StreamEncoder.chat(false) : call.streamEncoder();
        java.util.concurrent.CompletableFuture<?> f = req.stream()
                ? client.stream(req, span == null ? encoder : span.encoder(encoder),
                        call == null ? null : call.usageDecorator(), loop)
                : client.send(req, loop);
        f.whenComplete((result, err) -> {
            Throwable cause = UpstreamClient.unwrap(err);
            if (span != null) {
                try {
                    span.finished(result, cause);
                } catch (RuntimeException e) {
                    LOG.warn("recording the upstream span failed: {}", e.toString());
                }
            }
            if (cause != null) {
                exchange.setException(cause);
            } else {
                exchange.getMessage().setBody(result);
            }
            continueExchange(exchange, callback);
        });
        return false;
    }

    /**
     * Hands the exchange back to Camel, which runs the rest of the route on this thread. The future this runs in
     * would swallow anything thrown there, leaving the exchange in flight with no trace: it is logged instead.
     */
    static void continueExchange(Exchange exchange, AsyncCallback callback) {
        try {
            callback.done(false);
        } catch (RuntimeException | Error e) {
            ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
            LOG.error("request {}: the route failed to continue after the upstream reply and did not finish",
                    call != null ? call.requestId() : exchange.getExchangeId(), e);
            throw e;
        }
    }
}
