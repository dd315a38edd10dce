package dev.caravan.http;

import java.io.ByteArrayInputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import org.apache.camel.component.netty.http.OutboundStreamHttpResponse;

/**
 * A streamed HTTP response that never blocks an event loop. camel-netty-http hands a body that is a Netty
 * {@code HttpResponse} straight to the pipeline, and its {@code ChunkedWriteHandler} writes the headers and then
 * pulls chunks from this {@code ChunkedInput}. {@link #readChunk} returns {@code null} when nothing is queued; the
 * producer side calls {@link #send} from any thread, which queues the bytes and resumes the transfer.
 *
 * <p>This leans on camel-netty-http internals ({@code HttpOutboundStreamHandler} special-cases
 * {@link OutboundStreamHttpResponse}); the Camel version is pinned and the streaming tests guard it.
 */
public final class SseResponse extends OutboundStreamHttpResponse {

    /** Above this many queued bytes the producer is asked to pause (the client reads slower than upstream). */
    public static final long BACKLOG_LIMIT = 1024 * 1024;

    private final ConcurrentLinkedQueue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile boolean ended;
    private volatile boolean lastSent;
    private volatile Channel channel;
    /** On the client channel's close future while the stream runs; removed when it is over (see close()). */
    private final GenericFutureListener<Future<? super Void>> abortOnClose = f -> abort();
    private volatile Runnable onAbort = () -> { };
    private volatile Runnable onDrained = () -> { };
    private volatile boolean closeAfterEnd;
    private long progress;

    public SseResponse(HttpResponseStatus status) {
        super(new ByteArrayInputStream(new byte[0]), new DefaultHttpResponse(HttpVersion.HTTP_1_1, status));
        headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        headers().set("x-accel-buffering", "no");
    }

    /** Binds this response to the client's channel; a channel that closes aborts the stream. */
    public void bind(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        channel.closeFuture().addListener(abortOnClose);
        if (!channel.isActive()) {
            abort();
        }
    }

    /**
     * Closes the client's connection once the last chunk has been written (the client asked for
     * {@code Connection: close}). The server's own close-when-complete would cut the stream after its headers.
     */
    public void closeAfterEnd() {
        this.closeAfterEnd = true;
    }

    /** Called once when the client goes away before the end (cancels the upstream call). */
    public void onAbort(Runnable r) {
        this.onAbort = r;
        if (aborted.get()) {
            r.run();
        }
    }

    /** Called from the event loop after the queue was drained below the backlog limit. */
    public void onDrained(Runnable r) {
        this.onDrained = r;
    }

    /** Closes the client's connection (a client that stopped reading); the stream aborts as when it hangs up. */
    public void closeClient() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        } else {
            abort();
        }
    }

    public boolean isAborted() {
        return aborted.get();
    }

    public boolean isBacklogged() {
        return queuedBytes.get() > BACKLOG_LIMIT;
    }

    public void send(byte[] bytes) {
        if (ended || aborted.get()) {
            return;
        }
        queuedBytes.addAndGet(bytes.length);
        queue.add(Unpooled.wrappedBuffer(bytes));
        wake();
    }

    /** Ends the stream after everything queued so far has been written. */
    public void end() {
        ended = true;
        wake();
    }

    private void wake() {
        Channel ch = channel;
        if (ch != null) {
            ChunkedWriteHandler h = ch.pipeline().get(ChunkedWriteHandler.class);
            if (h != null) {
                h.resumeTransfer();
            }
        }
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator alloc) {
        ByteBuf first = queue.poll();
        if (first == null) {
            if (ended && !lastSent) {
                lastSent = true;
                return LastHttpContent.EMPTY_LAST_CONTENT;
            }
            return null;
        }
        ByteBuf out = first;
        ByteBuf next = queue.poll();
        if (next != null) {
            CompositeByteBuf composite = alloc.compositeBuffer();
            composite.addComponent(true, first);
            do {
                composite.addComponent(true, next);
            } while ((next = queue.poll()) != null);
            out = composite;
        }
        int n = out.readableBytes();
        progress += n;
        if (queuedBytes.addAndGet(-n) <= BACKLOG_LIMIT) {
            onDrained.run();
        }
        return new DefaultHttpContent(out);
    }

    @Override
    @Deprecated
    public HttpContent readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public boolean isEndOfInput() {
        return lastSent && queue.isEmpty();
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return progress;
    }

    /** Called by Netty when the transfer is over: normally after the last chunk, or when the channel died. */
    @Override
    public void close() {
        if (!lastSent) {
            abort();
        }
        finished.set(true);
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            b.release();
        }
        Channel ch = channel;
        if (ch != null) {
            // a keep-alive connection serves many streams: a listener left behind would keep this response, its
            // session and the whole call reachable until the connection closes
            ch.closeFuture().removeListener(abortOnClose);
            if (closeAfterEnd) {
                ch.close();
            }
        }
    }

    private void abort() {
        if (!lastSent && aborted.compareAndSet(false, true)) {
            onAbort.run();
        }
    }
}
