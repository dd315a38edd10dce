package dev.caravan.http;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streamed reply on a keep-alive connection: the connection closing aborts a stream that is still running, and
 * a stream that is over lets go of the connection, so a connection that serves stream after stream does not keep
 * every finished stream (and its session and call) reachable until it closes. Found with 1,000 streams in
 * bench/run.sh: ~8,000 finished calls were still reachable from their connections' close futures, and the
 * 160 MB heap ran full collections back to back.
 */
class SseResponseTest {

    private static ChannelHandlerContext context(EmbeddedChannel ch) {
        return ch.pipeline().firstContext();
    }

    /** Runs one stream to its end the way Netty's ChunkedWriteHandler does: chunks, then close(). */
    private static void runToEnd(SseResponse r) throws Exception {
        r.send("data: {}\n\n".getBytes(StandardCharsets.UTF_8));
        r.end();
        HttpContent c;
        while ((c = r.readChunk(io.netty.buffer.ByteBufAllocator.DEFAULT)) != null) {
            boolean last = c instanceof LastHttpContent;
            c.release();
            if (last) {
                break;
            }
        }
        assertThat(r.isEndOfInput()).isTrue();
        r.close();
    }

    @Test
    void theConnectionClosingAbortsARunningStream() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        SseResponse r = new SseResponse(HttpResponseStatus.OK);
        AtomicInteger aborts = new AtomicInteger();
        r.onAbort(aborts::incrementAndGet);
        r.bind(context(ch));
        ch.close();
        assertThat(aborts.get()).isEqualTo(1);
        assertThat(r.isAborted()).isTrue();
    }

    @Test
    void aFinishedStreamIsNotAbortedWhenTheConnectionClosesLater() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        SseResponse r = new SseResponse(HttpResponseStatus.OK);
        AtomicInteger aborts = new AtomicInteger();
        r.onAbort(aborts::incrementAndGet);
        r.bind(context(ch));
        runToEnd(r);
        ch.close();
        assertThat(aborts.get()).isZero();
    }

    @Test
    void aFinishedStreamIsNotKeptReachableByItsKeepAliveConnection() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        WeakReference<Object> call = streamOnce(ch);
        for (int i = 0; i < 50 && call.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(call.get()).as("the finished stream's call, while the connection stays open").isNull();
        assertThat(ch.isOpen()).isTrue();
        ch.close();
    }

    /** Stands for what a stream's abort hook holds: its session, the call, the exchange. */
    static final class CallState {
        final byte[] weight = new byte[1024 * 1024];

        @Override
        public String toString() {
            return "a finished stream's call (" + weight.length + " bytes)";
        }
    }

    /** One stream on the connection; returns a weak reference to the state its abort hook holds (the call). */
    private static WeakReference<Object> streamOnce(EmbeddedChannel ch) throws Exception {
        Object callState = new CallState();
        SseResponse r = new SseResponse(HttpResponseStatus.OK);
        r.onAbort(() -> assertThat(callState).isNotNull());
        r.bind(context(ch));
        runToEnd(r);
        return new WeakReference<>(callState);
    }
}
