package dev.caravan.provider;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One HTTP exchange with a provider on a pooled connection. Everything here runs on the connection's event loop:
 * the request write, the reply's parts, the deadline. Subclasses decide what to do with the reply (buffer it, or
 * feed a stream). A pooled connection that turns out dead before the first reply byte is retried once on another.
 */
abstract class UpstreamCallState {

    private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("caravan.used");

    final UpstreamRequest request;
    Channel channel;
    private ChannelPool pool;
    private Runnable retry;
    private boolean reused;
    private boolean responded;
    private boolean finished;
    private boolean keepAlive = true;
    private ScheduledFuture<?> deadline;

    UpstreamCallState(UpstreamRequest request) {
        this.request = request;
    }

    /** A fresh state for the one retry on a new connection. */
    abstract UpstreamCallState restart();

    /** Status and headers arrived. */
    abstract void onHeaders(HttpResponse response, int status);

    /** A part of the body arrived (released by the caller after this returns). */
    abstract void onContent(io.netty.buffer.ByteBuf content);

    /** The body is complete. */
    abstract void onEnd();

    /** The exchange failed; {@code beforeHeaders} tells whether any reply had been seen. */
    abstract void onFailure(Throwable cause, boolean beforeHeaders);

    /** Fails the call before a connection was obtained. */
    abstract void fail(RuntimeException e);

    /** How long to wait for the reply headers (and, for buffered calls, the whole reply). */
    long headerDeadlineMillis() {
        return request.timeout().toMillis();
    }

    void start(Channel ch, ChannelPool pool, Runnable retry) {
        this.channel = ch;
        this.pool = pool;
        this.retry = retry;
        this.reused = Boolean.TRUE.equals(ch.attr(USED).getAndSet(Boolean.TRUE));
        Handler handler = ch.pipeline().get(Handler.class);
        if (handler == null || !ch.isActive()) {
            // the pooled connection closed after it was handed out (its idle timeout fired, or the provider closed
            // it) and its pipeline is gone: like a reset on a reused connection, one retry on another, else the
            // attempt fails (never an exchange left waiting)
            this.reused = true;
            failure(new java.nio.channels.ClosedChannelException());
            return;
        }
        handler.call = this;
        ch.config().setAutoRead(true);
        deadline = ch.eventLoop().schedule(() -> timeout(), headerDeadlineMillis(), TimeUnit.MILLISECONDS);
        ch.writeAndFlush(toNetty(request)).addListener(f -> {
            if (!f.isSuccess()) {
                failure(f.cause());
            }
        });
    }

    private static FullHttpRequest toNetty(UpstreamRequest r) {
        URI uri = r.uri();
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
                Unpooled.wrappedBuffer(r.body()));
        boolean defaultPort = uri.getPort() < 0;
        req.headers().set(HttpHeaderNames.HOST, defaultPort ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        r.headers().forEach(req.headers()::set);
        return req;
    }

    void timeout() {
        if (!finished) {
            failure(new TimeoutException("no reply within " + headerDeadlineMillis() + " ms"));
        }
    }

    void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    final void message(Object msg) {
        try {
            if (finished) {
                return;
            }
            if (msg instanceof HttpResponse resp) {
                responded = true;
                keepAlive = HttpUtil.isKeepAlive(resp);
                onHeaders(resp, resp.status().code());
            }
            if (msg instanceof HttpContent c && !finished) {
                if (c.content().isReadable()) {
                    onContent(c.content());
                }
                if (msg instanceof LastHttpContent && !finished) {
                    onEnd();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    final void failure(Throwable cause) {
        if (finished) {
            return;
        }
        if (!responded && reused && retry != null && !(cause instanceof TimeoutException)) {
            // a pooled connection the provider had already closed: one retry on another connection
            Runnable r = retry;
            retry = null;
            finished = true;
            cancelDeadline();
            discard();
            r.run();
            return;
        }
        onFailure(cause, !responded);
    }

    /** Ends the exchange: the connection goes back to the pool when it can carry another request. */
    final void complete(boolean reusable) {
        if (finished) {
            return;
        }
        finished = true;
        cancelDeadline();
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        detach(ch);
        if (!reusable || !keepAlive || !ch.isActive()) {
            ch.close();
        }
        ch.config().setAutoRead(true);
        pool.release(ch);
    }

    /** Unhooks this call from the connection's handler (gone when the connection has closed meanwhile). */
    private static void detach(Channel ch) {
        Handler h = ch.pipeline().get(Handler.class);
        if (h != null) {
            h.call = null;
        }
    }

    final void discard() {
        Channel ch = channel;
        if (ch != null) {
            detach(ch);
            ch.close();
            pool.release(ch);
        }
    }

    boolean isFinished() {
        return finished;
    }

    /** The last handler of every upstream connection: routes events to the exchange it is carrying. */
    static final class Handler extends ChannelInboundHandlerAdapter {
        UpstreamCallState call;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            UpstreamCallState c = call;
            if (c == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            c.message(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            UpstreamCallState c = call;
            if (c != null) {
                c.failure(new java.nio.channels.ClosedChannelException());
            }
            ctx.fireChannelInactive();
        }

        /** A pooled connection idle for the pool's idle time is closed (one carrying a call keeps its own clock). */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
                if (call == null) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            UpstreamCallState c = call;
            if (c != null) {
                c.failure(cause);
            }
            ctx.close();
        }
    }
}
