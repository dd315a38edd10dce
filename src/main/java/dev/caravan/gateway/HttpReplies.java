package dev.caravan.gateway;

import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

/**
 * Builds the Netty response object that camel-netty-http writes as is. Only the headers set here reach the
 * client: nothing from the request (Authorization included) or from Camel's message headers is echoed.
 */
public final class HttpReplies {

    private HttpReplies() {
    }

    public static void json(Exchange exchange, int status, byte[] body, Map<String, String> headers) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        headers.forEach(r.headers()::set);
        finish(exchange, r.headers());
        exchange.getMessage().setBody(r);
    }

    /** Common headers and connection handling for every reply of a call. */
    public static void finish(Exchange exchange, HttpHeaders h) {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        if (call != null) {
            h.set("x-request-id", call.requestId());
            // who answered; "none" when no provider was involved (gateway errors, /v1/models, /health)
            h.set("x-caravan-provider", call.provider() != null ? call.provider() : "none");
            if (call.deployment() != null) {
                h.set("x-caravan-deployment", call.deployment());
            }
            if (!call.attempts().isEmpty()) {
                h.set("x-caravan-attempts", call.attemptsHeader());
            }
            if (!call.droppedParams().isEmpty()) {
                h.set("x-caravan-dropped-params", String.join(",", call.droppedParams()));
            }
            call.responseHeaders().forEach(h::set);
            if (!call.keepAlive()) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                exchange.setProperty(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
            }
        }
    }
}
