package dev.caravan.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load shedding at the server's edge: at most {@code max} requests of one server (address) are being answered
 * at a time, streams included; a request beyond that gets 503 at once (Anthropic's 529 {@code overloaded_error}
 * on {@code /v1/messages}) with {@code Retry-After: 1}, before any route, key check or upstream call; the
 * connection stays open (the request was read whole), so a client that is refused often does not churn through
 * new connections. Without it a burst the gateway cannot keep up with (or a cold JVM meeting full traffic)
 * piles up requests, connections and heap until the process dies; with it the gateway keeps answering what it
 * can and tells the rest to come back.
 *
 * <p>A request counts from its last byte received to its last byte written (or the connection closing); one
 * instance is shared by all connections of a server, and one handler per connection tracks that connection's
 * own requests (HTTP/1.1 pipelining included).
 */
public final class AdmissionLimit {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionLimit.class);
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final int max;
    private final String address;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final AtomicLong rejectedAtLastWarn = new AtomicLong();

    /** {@code max <= 0}: no limit (requests are still counted). */
    public AdmissionLimit(int max, String address) {
        this.max = max;
        this.address = address;
    }

    /** Requests of this server being answered now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests refused since start. */
    public long rejected() {
        return rejected.sum();
    }

    /** The handler for one new connection (goes after the aggregator: it sees whole requests). */
    public ChannelDuplexHandler handler() {
        return new Connection();
    }

    private boolean admit() {
        int now = inFlight.incrementAndGet();
        if (max > 0 && now > max) {
            inFlight.decrementAndGet();
            rejected.increment();
            warn();
            return false;
        }
        return true;
    }

    private void warn() {
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
            long total = rejected.sum();
            long since = total - rejectedAtLastWarn.getAndSet(total);
            LOG.warn("Overloaded: {} request(s) on {} refused with 503 since the last warning ({} in all); {} being"
                    + " answered, limit {} (caravan.api.max-in-flight)", since, address, total, inFlight.get(), max);
        }
    }

    private final class Connection extends ChannelDuplexHandler {
        /** This connection's admitted requests whose reply has not been written completely. */
        private int open;
        /** Set while this handler writes its own refusal, which belongs to no admitted request. */
        private boolean refusing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof FullHttpRequest req && !req.decoderResult().isFailure()) {
                if (!admit()) {
                    String uri = req.uri();
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    req.release();
                    // the request was read whole: the connection can take the client's next one
                    refusing = true;
                    try {
                        ApiServerInitializerFactory.reject(ctx, uri, HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "The gateway is at its limit of requests in flight; retry shortly.", "overloaded",
                                keepAlive, "Retry-After", "1");
                    } finally {
                        refusing = false;
                    }
                    return;
                }
                open++;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            // a reply ends with its LastHttpContent (a FullHttpResponse is one); replies the pipeline writes for
            // requests it never admitted (408, 413, 400 before this handler) find open == 0
            if (msg instanceof LastHttpContent && open > 0 && !refusing
                    && !(msg instanceof HttpResponse r && r.status().code() == 100)) {
                open--;
                inFlight.decrementAndGet();
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (open > 0) {
                inFlight.addAndGet(-open);
                open = 0;
            }
            super.channelInactive(ctx);
        }
    }
}
