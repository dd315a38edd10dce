package dev.caravan.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * An asynchronous HTTP/1.1 client for load tests: every request on its own connection with
 * {@code connection: close}, so that once all replies are in, no connection to the gateway should remain open. Any
 * number of requests is in flight at once on two event loops; replies (streamed ones too) are collected whole.
 */
public final class LoadClient implements AutoCloseable {

    /** One reply; {@code status} is -1 and {@code failure} set when the exchange broke before a complete reply. */
    public record Reply(int status, io.netty.handler.codec.http.HttpHeaders headers, String body, Throwable failure) {
        public String header(String name) {
            return headers == null ? null : headers.get(name);
        }

        /** The {@code data:} payloads of an SSE body, in order, {@code [DONE]} included. */
        public List<String> data() {
            List<String> out = new ArrayList<>();
            for (String l : body.split("\n")) {
                if (l.startsWith("data: ")) {
                    out.add(l.substring(6).trim());
                }
            }
            return out;
        }
    }

    private final EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("load-client", true));
    private final InetSocketAddress address;
    private final Duration timeout;

    public LoadClient(int port, Duration timeout) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.timeout = timeout;
    }

    /** POSTs {@code json} to {@code path} with a bearer key; completes with the whole reply. */
    public CompletableFuture<Reply> post(String path, String key, String json) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000).handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024 * 1024),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        result.complete(new Reply(r.status().code(), r.headers().copy(),
                                                r.content().toString(StandardCharsets.UTF_8), null));
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        result.complete(new Reply(-1, null, "",
                                                new IllegalStateException("connection closed before a reply")));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        result.complete(new Reply(-1, null, "", cause));
                                        ctx.close();
                                    }
                                });
                    }
                });
        b.connect(address).addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(new Reply(-1, null, "", f.cause()));
                return;
            }
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(body));
            req.headers().set(HttpHeaderNames.HOST, address.getHostString() + ":" + address.getPort())
                    .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ch.writeAndFlush(req);
            ch.eventLoop().schedule(() -> {
                if (result.complete(new Reply(-1, null, "", new java.util.concurrent.TimeoutException(
                        "no reply within " + timeout.toMillis() + " ms")))) {
                    ch.close();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        });
        return result;
    }

    /** Sends {@code n} copies of a request at once and waits for every reply. */
    public List<Reply> burst(int n, String path, String key, String json) {
        List<CompletableFuture<Reply>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(post(path, key, json));
        }
        return fs.stream().map(CompletableFuture::join).toList();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
