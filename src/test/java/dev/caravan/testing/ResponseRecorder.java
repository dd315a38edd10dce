package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;

import dev.caravan.http.ServerChannelHook;

/**
 * Records every byte every gateway of the test run sends to a client (API and admin plane, headers and bodies)
 * under {@code target/test-responses/} (system property {@code caravan.test.responses}; files of about 32 MB), for
 * {@code LogSecrecyIT} to scan. Registered in {@code META-INF/services} of the test class path only; gateways
 * the ITs start from the packaged jar in another process load it through {@link JarLaunch}.
 *
 * <p>Each run of bytes is preceded by a marker line naming the request it answers:
 * {@code \n#### <connection> <n> <METHOD> <path>\n} ({@link #MARKER}; n numbers the requests of the JVM), written
 * whenever the bytes that follow belong to another reply than the bytes before (replies of several connections
 * interleave; a reader joins the runs of one name).
 */
public final class ResponseRecorder implements ServerChannelHook {

    public static final String MARKER = "\n#### ";

    private static final AttributeKey<String> REQUEST = AttributeKey.valueOf("caravan.test.request");
    /** A new file after this many bytes, so that the scan can read one file at a time. */
    private static final long FILE_BYTES = 32L * 1024 * 1024;
    private static FileChannel out = open(0);
    private static int files = 1;
    private static String lastWriter;
    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();

    public static Path directory() {
        return Path.of(System.getProperty("caravan.test.responses", "target/test-responses"));
    }

    private static FileChannel open(int n) {
        try {
            Path dir = Files.createDirectories(directory());
            return FileChannel.open(dir.resolve("responses-" + ProcessHandle.current().pid() + "-" + n + ".txt"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void initChannel(Channel channel) {
        channel.pipeline().addFirst("caravan-test-response-recorder", new Tap());
        if (channel.pipeline().get("decoder") != null) {
            channel.pipeline().addAfter("decoder", "caravan-test-request-names", new RequestNames());
        }
    }

    /** Sees decoded requests on the way in (to name them) and encoded bytes on the way out. */
    static final class Tap extends ChannelDuplexHandler {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof ByteBuf b && b.isReadable()) {
                record(ctx.channel(), b);
            }
            super.write(ctx, msg, promise);
        }
    }

    /** Installed after the HTTP decoder: remembers the request line each connection is answering. */
    static final class RequestNames extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest r) {
                String uri = r.uri();
                int q = uri.indexOf('?');
                ctx.channel().attr(REQUEST).set(SEQ.incrementAndGet() + " " + r.method() + " "
                        + (q < 0 ? uri : uri.substring(0, q)));
            }
            super.channelRead(ctx, msg);
        }
    }

    private static void record(Channel ch, ByteBuf b) {
        String request = ch.attr(REQUEST).get();
        String name = ch.id().asShortText() + " " + (request == null ? "-" : request);
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        synchronized (ResponseRecorder.class) {
            try {
                // connections write in turns: a marker whenever the writer changes (a reply may span markers)
                if (!name.equals(lastWriter)) {
                    if (out.position() > FILE_BYTES) {
                        out.close();
                        out = open(files++);
                    }
                    lastWriter = name;
                    out.write(ByteBuffer.wrap((MARKER + name + "\n").getBytes(StandardCharsets.UTF_8)));
                }
                out.write(ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
