package dev.caravan.gateway;

import java.util.Map;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import dev.caravan.http.SseResponse;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.StreamSession;

/**
 * Last step of {@code api.chat}: a {@link ChatResult} becomes the JSON reply; a {@link StreamSession} is attached
 * to a {@link SseResponse} on the client's channel, from which point the client owns the stream.
 *
 * <p>When a listener holds the reply ({@link ChatCall#holdReplyUntil}: the ledger commit of
 * {@code caravan.ledger.durability=sync}), the exchange continues, and the reply is written, only once the hold
 * completed; no thread waits meanwhile. A stream's final events wait for it the same way.
 */
public final class ResponseWriter extends AsyncProcessorSupport {

    private final CallEvents events;

    public ResponseWriter(CallEvents events) {
        this.events = events;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            write(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return afterHold(exchange.getProperty(ChatCall.PROPERTY, ChatCall.class), callback);
    }

    /** Continues the exchange now, or when what holds the reply completed. */
    static boolean afterHold(ChatCall call, AsyncCallback callback) {
        java.util.concurrent.CompletableFuture<?> hold = call == null ? null : call.replyHold();
        if (hold == null || hold.isDone()) {
            callback.done(true);
            return true;
        }
        hold.whenComplete((v, e) -> callback.done(false));
        return false;
    }

    private void write(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        Object body = exchange.getMessage().getBody();
        if (body instanceof StreamSession session) {
            SseResponse response = new SseResponse(HttpResponseStatus.OK);
            HttpReplies.finish(exchange, response.headers());
            if (!call.keepAlive()) {
                // the server would close once the headers are written: the stream closes after its last chunk
                exchange.removeProperty(org.apache.camel.component.netty.NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE);
                response.closeAfterEnd();
            }
            call.status(200);
            response.bind(call.channel());
            events.streamStarted(call);
            session.attach(response, outcome -> {
                call.usage(outcome.usage());
                events.streamed(call, outcome);
                return call.replyHold();
            });
            exchange.getMessage().setBody(response);
            return;
        }
        ChatResult result = exchange.getMessage().getMandatoryBody(ChatResult.class);
        call.usage(result.usage());
        call.response(result);
        call.status(200);
        HttpReplies.json(exchange, 200, result.bytes(), Map.of());
        events.completed(call, new CallOutcome(200, result.usage(), false, "ok", null, 0, 0, System.nanoTime()));
    }
}
