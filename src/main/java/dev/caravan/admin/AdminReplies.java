package dev.caravan.admin;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;

import dev.caravan.api.Json;
import dev.caravan.catalog.Cost;
import dev.caravan.gateway.HttpReplies;

/** Reply helpers of the admin API: exact decimal JSON numbers and CSV bodies. */
final class AdminReplies {

    private AdminReplies() {
    }

    static JsonNode number(BigDecimal v) {
        return Json.NODES.rawValueNode(new RawValue(Cost.plain(v)));
    }

    static void csv(Exchange exchange, String text, String filename) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(b));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
        HttpReplies.finish(exchange, r.headers());
        exchange.getMessage().setBody(r);
    }
}
