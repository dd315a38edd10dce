package dev.caravan.http;

import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

import dev.caravan.error.ErrorFormat;
import dev.caravan.gateway.RequestIds;

/**
 * camel-netty-http's server pipeline with the parts that would answer clients in plain text replaced, so that
 * every reply is an OpenAI error envelope: a body over {@code caravan.api.max-body-bytes} gets 413 (not an empty
 * reply), and a request Netty could not decode gets 400; plus the server's {@link AdmissionLimit} (503 beyond
 * {@code caravan.api.max-in-flight} requests being answered).
 */
public class ApiServerInitializerFactory extends HttpServerInitializerFactory {

    /** Extra handlers found on the class path (none ship with Caravan). */
    private static final List<ServerChannelHook> HOOKS = ServiceLoader.load(ServerChannelHook.class).stream()
            .map(ServiceLoader.Provider::get).toList();

    private final int maxBodyBytes;
    private final long readTimeoutMs;
    private final AdmissionLimit admission;

    public ApiServerInitializerFactory(NettyHttpConsumer consumer, int maxBodyBytes, long readTimeoutMs,
            AdmissionLimit admission) {
        super(consumer);
        this.maxBodyBytes = maxBodyBytes;
        this.readTimeoutMs = readTimeoutMs;
        this.admission = admission;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer nettyConsumer) {
        return new ApiServerInitializerFactory((NettyHttpConsumer) nettyConsumer, maxBodyBytes, readTimeoutMs,
                admission);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        ch.pipeline().replace("aggregator", "aggregator", new BoundedAggregator(maxBodyBytes));
        ch.pipeline().addAfter("aggregator", "caravan-guard", new MalformedRequestGuard());
        ch.pipeline().addAfter("caravan-guard", "caravan-admission", admission.handler());
        RequestReadTimeout.install(ch.pipeline(), "decoder", readTimeoutMs);
        for (ServerChannelHook hook : HOOKS) {
            hook.initChannel(ch);
        }
    }

    /**
     * A reply written by the pipeline itself, before any route runs: in the error envelope of the API the path
     * belongs to (Anthropic's for {@code /v1/messages}, OpenAI's otherwise), with {@code Connection: close}.
     */
    static void reject(ChannelHandlerContext ctx, String uri, HttpResponseStatus status, String message,
            String code) {
        reject(ctx, uri, status, message, code, false);
    }

    /**
     * As above; {@code keepAlive}: the request was read whole, so the connection stays open for the client's next
     * request (no new connection per refused request when many are refused).
     */
    static void reject(ChannelHandlerContext ctx, String uri, HttpResponseStatus status, String message,
            String code, boolean keepAlive, String... headerNamesAndValues) {
        ErrorFormat.Reply reply = ErrorFormat.forPath(uri).reply(status.code(), message, code);
        byte[] body = reply.body();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        response.headers().set("x-request-id", RequestIds.next());
        response.headers().set("x-caravan-provider", "none");
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            response.headers().set(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        // from the tail of the pipeline, so the HTTP encoder sees it whichever handler rejects
        if (keepAlive) {
            ctx.channel().writeAndFlush(response);
        } else {
            Channel ch = ctx.channel();
            ch.writeAndFlush(response).addListener(f -> lingeringClose(ch));
        }
    }

    /** How long a connection refused with Connection: close may still deliver bytes that are read and dropped. */
    static final long LINGER_MS = 2_000;

    /**
     * Closes a connection whose client may still be sending (a body over the limit, say) without losing the reply
     * just written: closing a socket with unread bytes makes the kernel send a reset, and a client still uploading
     * could see that instead of the reply. So the sending side is shut first (the client reads the reply, then
     * the end), whatever still arrives is read and dropped, and the connection is closed after {@link #LINGER_MS}.
     */
    static void lingeringClose(Channel ch) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ch.close();
            return;
        }
        ch.pipeline().addFirst("caravan-linger", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        duplex.shutdownOutput().addListener(f -> ch.eventLoop().schedule(() -> {
            ch.close();
        }, LINGER_MS, TimeUnit.MILLISECONDS));
    }

    /** Answers an oversized body with a JSON 413 and closes (what still arrives of the body is dropped). */
    static final class BoundedAggregator extends HttpObjectAggregator {
        private final int max;

        BoundedAggregator(int max) {
            super(max);
            this.max = max;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            reject(ctx, oversized instanceof HttpRequest r ? r.uri() : null, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "Request body is larger than the limit of " + max + " bytes (caravan.api.max-body-bytes).",
                    "request_too_large");
        }
    }

    /**
     * A request Netty failed to decode gets a JSON 400 instead of text, TRACE and CONNECT a JSON 405, and an
     * HTTP/1.1 request without Host is given one.
     */
    static final class MalformedRequestGuard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof FullHttpRequest req) {
                if (req.decoderResult().isFailure()) {
                    req.release();
                    reject(ctx, req.uri(), HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request.",
                            "malformed_request");
                    return;
                }
                if (req.method().equals(HttpMethod.TRACE) || req.method().equals(HttpMethod.CONNECT)) {
                    // camel-netty-http would answer these itself, in plain text
                    req.release();
                    reject(ctx, req.uri(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "Method " + req.method() + " is not allowed.", "method_not_allowed");
                    return;
                }
                if (!req.headers().contains(HttpHeaderNames.HOST)) {
                    req.headers().set(HttpHeaderNames.HOST, "localhost");
                }
            }
            super.channelRead(ctx, msg);
        }
    }
}
