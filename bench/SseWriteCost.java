import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import com.sun.management.ThreadMXBean;

import dev.caravan.http.SseResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.camel.component.netty.http.handlers.HttpOutboundStreamHandler;

/**
 * The user-space cost of writing one stream event to the client, without the socket: a stream of 22 events of the
 * bench mock's size through the response encoder, once as the gateway writes them ({@link SseResponse} pulled by
 * camel-netty-http's {@code HttpOutboundStreamHandler}, a {@code ChunkedWriteHandler}) and once as plain chunk writes with a flush
 * each. Microseconds and bytes allocated per event, on one thread, with Netty's {@code EmbeddedChannel}.
 *
 * <pre>taskset -c 0 java -XX:+UseSerialGC -cp target/caravan.jar bench/SseWriteCost.java 20000</pre>
 */
public class SseWriteCost {
    static final byte[] EVENT = ("data: {\"id\":\"chatcmpl-mock0000000001\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1735689600,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_mock0001\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" gateway\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    static final int EVENTS = 22;
    static long sink;

    public static void main(String[] a) {
        int streams = Integer.parseInt(a.length > 0 ? a[0] : "20000");
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 5; round++) {
            for (String way : new String[] {"SseResponse, HttpOutboundStreamHandler", "plain chunk writes"}) {
                long b0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int i = 0; i < streams; i++) {
                    sink += way.startsWith("Sse") ? viaSseResponse() : plain();
                }
                long t = System.nanoTime() - t0;
                long b = mx.getCurrentThreadAllocatedBytes() - b0;
                long events = (long) streams * EVENTS;
                System.out.printf("round %d, %-34s %.3f us, %d bytes per event%n", round, way + ":",
                        t / 1e3 / events, b / events);
            }
        }
        System.out.println("(" + sink + ")");
    }

    /** One stream as the gateway writes it. */
    static long viaSseResponse() {
        // camel-netty-http's ChunkedWriteHandler: it writes the response's head, then pulls the chunks
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder(), new HttpOutboundStreamHandler());
        SseResponse r = new SseResponse(HttpResponseStatus.OK);
        r.bind(ch.pipeline().firstContext());
        ch.writeAndFlush(r);
        long n = drain(ch);
        for (int i = 0; i < EVENTS; i++) {
            r.send(EVENT);
            n += drain(ch);
        }
        r.end();
        n += drain(ch);
        ch.finishAndReleaseAll();
        if (n < (long) EVENTS * EVENT.length) {
            throw new IllegalStateException("only " + n + " bytes written");
        }
        return n;
    }

    /** The same bytes as plain chunk writes, one flush each. */
    static long plain() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder());
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache").set("x-accel-buffering", "no")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ch.writeAndFlush(head);
        long n = drain(ch);
        for (int i = 0; i < EVENTS; i++) {
            ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(EVENT)));
            n += drain(ch);
        }
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        n += drain(ch);
        ch.finishAndReleaseAll();
        return n;
    }

    /** What reached the socket's side of the pipeline: counted and released. */
    static long drain(EmbeddedChannel ch) {
        long n = 0;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof ByteBuf b) {
                n += b.readableBytes();
                b.release();
            }
        }
        return n;
    }
}
