package dev.caravan.ops;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;

/**
 * Replies of the admin-plane endpoints, built as Netty responses that camel-netty-http writes as they are: only the
 * headers set here reach the client (request headers are never echoed).
 */
public final class AdminReplies {

    public static final String JSON = "application/json";

    private AdminReplies() {
    }

    public static void send(Exchange exchange, int status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(r);
    }

    public static void json(Exchange exchange, int status, String json) {
        send(exchange, status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** True for GET and HEAD; otherwise answers 405 and returns false. */
    public static boolean allowGet(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return true;
        }
        json(exchange, 405, "{\"error\":{\"message\":\"Use GET.\",\"type\":\"invalid_request_error\","
                + "\"code\":\"method_not_allowed\"}}");
        return false;
    }
}
