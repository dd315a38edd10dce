import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The streaming side of the bench on Netty: an SSE mock upstream and an SSE probe, each one event-loop thread.
 * With 1,000 concurrent streams the Node mock (harness/mock-upstream/server.mjs) and probe
 * (harness/lib/sse-probe.mjs) together saturate the core they share: straight to the mock they measured a TTFT
 * p50 of 6-13 ms and p99 of 86-123 ms, so the gateway's own share could not be read. These two do the same work in a
 * fraction of the core. Run with the gateway's jar on the class path (Netty, Jackson):
 *
 * <pre>
 *   java -cp target/caravan.jar bench/SseBench.java mock --port 18002 --responses bench/harness/mock-upstream/responses \
 *        [--first-byte-ms 0] [--chunk-delay-ms 50] [--chunks 20] [--latency-ms 0] [--max-seconds 7200]
 *   java -cp target/caravan.jar bench/SseBench.java probe --url http://127.0.0.1:18080/v1/chat/completions \
 *        --body bench/requests/mocksse-stream.json [--header 'K: V']... [--conns 8] [--duration 20] [--timeout 30] \
 *        [--expect-chunks 20 --chunk-delay-ms 50]
 * </pre>
 *
 * The mock writes the same bytes as the Node mock (OpenAI chat chunks, Anthropic message events, the same
 * non-stream bodies, {@code GET /health}, the {@code x-mock-*} request headers). The probe prints the Node probe's
 * SSESUM line with the same fields and meanings: each connection's first stream is a warm-up and not recorded,
 * connections start staggered over one stream's length, TTFT is from the request's write to the first content
 * event, gaps are between content events, buffered=yes when the content events' spread is under half of the mock's.
 * One field more than Node's: streams_all, the streams completed with the warm-ups included (for CPU per stream).
 */
public class SseBench {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: SseBench mock|probe [options]");
        }
        Map<String, List<String>> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad argument " + a);
            }
            o.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        switch (args[0]) {
            case "mock" -> Mock.run(o);
            case "probe" -> Probe.run(o);
            default -> throw new IllegalArgumentException("usage: SseBench mock|probe [options]");
        }
    }

    static String opt(Map<String, List<String>> o, String name, String def) {
        List<String> v = o.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    static long num(Map<String, List<String>> o, String name, long def) {
        return Long.parseLong(opt(o, name, Long.toString(def)));
    }

    // ------------------------------------------------------------------------------------------------ the mock

    static final class Mock {
        static final long CREATED = 1735689600;
        static final String OAI_MODEL = "gpt-4o-mini-2024-07-18";
        static final String[] WORDS = splitWords(" Sure. A gateway benchmark compares throughput and latency of a"
                + " proxy against calling the upstream directly, using the same load and the same mock provider.");

        static long firstByteMs, chunkDelayMs, chunks, latencyMs;
        static byte[] openaiBody, anthropicBody, embeddingsBody;
        static long seq;

        static String[] splitWords(String s) { // like JavaScript's split(/(?= )/): each word keeps its leading space
            List<String> w = new ArrayList<>();
            int from = 0;
            for (int i = 1; i < s.length(); i++) {
                if (s.charAt(i) == ' ') {
                    w.add(s.substring(from, i));
                    from = i;
                }
            }
            w.add(s.substring(from));
            return w.toArray(new String[0]);
        }

        static void run(Map<String, List<String>> o) throws Exception {
            int port = (int) num(o, "port", 18002);
            firstByteMs = num(o, "first-byte-ms", 0);
            chunkDelayMs = num(o, "chunk-delay-ms", 50);
            chunks = num(o, "chunks", 20);
            latencyMs = num(o, "latency-ms", 0);
            long maxSeconds = num(o, "max-seconds", 3600);
            Path dir = Path.of(opt(o, "responses", "bench/harness/mock-upstream/responses"));
            openaiBody = Files.readString(dir.resolve("openai-chat.json")).trim().getBytes(StandardCharsets.UTF_8);
            anthropicBody = Files.readString(dir.resolve("anthropic-messages.json")).trim()
                    .getBytes(StandardCharsets.UTF_8);
            embeddingsBody = Files.readString(dir.resolve("openai-embeddings.json")).trim()
                    .getBytes(StandardCharsets.UTF_8);
            EventLoopGroup group = new NioEventLoopGroup(1);
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096).childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                    new Handler());
                        }
                    }).bind("127.0.0.1", port).sync().channel();
            System.out.printf("mock-upstream (Netty) listening on http://127.0.0.1:%d {\"firstByteMs\":%d,"
                    + "\"chunkDelayMs\":%d,\"chunks\":%d,\"latencyMs\":%d}%n", port, firstByteMs, chunkDelayMs,
                    chunks, latencyMs);
            if (!server.closeFuture().await(maxSeconds, TimeUnit.SECONDS)) {
                System.out.println("mock-upstream: max-seconds reached, exiting");
            }
            System.exit(0);
        }

        static String oaiChunk(String id, String delta, String finish) {
            return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
                    + ",\"model\":\"" + OAI_MODEL + "\",\"service_tier\":\"default\",\"system_fingerprint\":"
                    + "\"fp_mock0001\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,"
                    + "\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
        }

        static String oaiUsage(String id, long n) {
            return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
                    + ",\"model\":\"" + OAI_MODEL + "\",\"service_tier\":\"default\",\"system_fingerprint\":"
                    + "\"fp_mock0001\",\"choices\":[],\"usage\":{\"prompt_tokens\":27,\"completion_tokens\":" + n
                    + ",\"total_tokens\":" + (27 + n) + ",\"prompt_tokens_details\":{\"cached_tokens\":0,"
                    + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                    + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n";
        }

        static String ev(String type, String json) {
            return "event: " + type + "\ndata: " + json + "\n\n";
        }

        static String quoted(String s) { // the words hold no character JSON escapes
            return "\"" + s + "\"";
        }

        static List<String> openaiParts(long n) {
            String id = "chatcmpl-mock" + pad(Long.toString(++seq, 36), 10);
            List<String> parts = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                String tok = oaiChunk(id, "{\"content\":" + quoted(WORDS[k % WORDS.length]) + "}", null);
                parts.add(k == 0 ? oaiChunk(id, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null)
                        + tok : tok);
            }
            // finish, usage and [DONE] go out together right after the last token
            int last = parts.size() - 1;
            parts.set(last, parts.get(last) + oaiChunk(id, "{}", "stop") + oaiUsage(id, n) + "data: [DONE]\n\n");
            return parts;
        }

        static List<String> anthropicParts(long n) {
            String id = "msg_01Mock" + pad(Long.toString(++seq, 36), 16);
            String start = ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id
                    + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-sonnet-20241022\","
                    + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":27,"
                    + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}")
                    + ev("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + "{\"type\":\"text\",\"text\":\"\"}}") + ev("ping", "{\"type\":\"ping\"}");
            List<String> parts = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                String d = ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":" + quoted(WORDS[k % WORDS.length]) + "}}");
                parts.add(k == 0 ? start + d : d);
            }
            int last = parts.size() - 1;
            parts.set(last, parts.get(last) + ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                    + ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + n + "}}")
                    + ev("message_stop", "{\"type\":\"message_stop\"}"));
            return parts;
        }

        static String pad(String s, int width) {
            return "0".repeat(Math.max(0, width - s.length())) + s;
        }

        static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
            static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                String uri = req.uri();
                int q = uri.indexOf('?');
                String path = q < 0 ? uri : uri.substring(0, q);
                boolean keepAlive = HttpUtil.isKeepAlive(req);
                if (req.method() == HttpMethod.GET && path.equals("/health")) {
                    json(ctx, HttpResponseStatus.OK, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8), keepAlive, 0);
                    return;
                }
                boolean oai = path.equals("/v1/chat/completions") || path.equals("/chat/completions");
                boolean ant = path.equals("/v1/messages") || path.equals("/messages");
                boolean emb = path.equals("/v1/embeddings") || path.equals("/embeddings");
                if (req.method() != HttpMethod.POST || (!oai && !ant && !emb)) {
                    json(ctx, HttpResponseStatus.NOT_FOUND, ("{\"error\":{\"message\":\"mock: unknown route\","
                            + "\"type\":\"invalid_request_error\"}}").getBytes(StandardCharsets.UTF_8), keepAlive, 0);
                    return;
                }
                long first = header(req, "x-mock-first-byte-ms", firstByteMs);
                long delay = header(req, "x-mock-chunk-delay-ms", chunkDelayMs);
                long n = Math.max(1, header(req, "x-mock-chunks", chunks));
                long latency = header(req, "x-mock-latency-ms", latencyMs);
                if (emb) {
                    json(ctx, HttpResponseStatus.OK, embeddingsBody, keepAlive, latency);
                } else if (STREAM.matcher(req.content().toString(StandardCharsets.UTF_8)).find()) {
                    new Stream(ctx, oai ? openaiParts(n) : anthropicParts(n), delay, keepAlive).start(first);
                } else {
                    json(ctx, HttpResponseStatus.OK, oai ? openaiBody : anthropicBody, keepAlive, latency);
                }
            }

            static long header(FullHttpRequest req, String name, long def) {
                String v = req.headers().get(name);
                try {
                    return v == null ? def : (long) Double.parseDouble(v.trim());
                } catch (NumberFormatException e) {
                    return def;
                }
            }

            static void json(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, boolean keepAlive,
                    long afterMs) {
                Runnable send = () -> {
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                            Unpooled.wrappedBuffer(body));
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    HttpUtil.setKeepAlive(r, keepAlive);
                    var f = ctx.writeAndFlush(r);
                    if (!keepAlive) {
                        f.addListener(ChannelFutureListener.CLOSE);
                    }
                };
                if (afterMs > 0) {
                    ctx.executor().schedule(send, afterMs, TimeUnit.MILLISECONDS);
                } else {
                    send.run();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }

        /** One stream: parts[0] after the first-byte delay, then one part every delay; stops if the client goes. */
        static final class Stream implements Runnable {
            final ChannelHandlerContext ctx;
            final List<String> parts;
            final long delayMs;
            final boolean keepAlive;
            int i;

            Stream(ChannelHandlerContext ctx, List<String> parts, long delayMs, boolean keepAlive) {
                this.ctx = ctx;
                this.parts = parts;
                this.delayMs = delayMs;
                this.keepAlive = keepAlive;
            }

            void start(long firstMs) {
                later(firstMs);
            }

            void later(long ms) {
                if (ms > 0) {
                    ctx.executor().schedule(this, ms, TimeUnit.MILLISECONDS);
                } else {
                    ctx.executor().execute(this);
                }
            }

            @Override
            public void run() {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (i == 0) {
                    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache").set("x-accel-buffering", "no")
                            .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    HttpUtil.setKeepAlive(r, keepAlive);
                    ctx.write(r);
                }
                ByteBuf b = Unpooled.wrappedBuffer(parts.get(i++).getBytes(StandardCharsets.UTF_8));
                if (i >= parts.size()) {
                    ctx.write(new DefaultHttpContent(b));
                    var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    if (!keepAlive) {
                        f.addListener(ChannelFutureListener.CLOSE);
                    }
                    return;
                }
                ctx.writeAndFlush(new DefaultHttpContent(b));
                later(delayMs);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the probe

    static final class Probe {
        static final List<Double> ttft = new ArrayList<>(), total = new ArrayList<>(), gaps = new ArrayList<>(),
                spread = new ArrayList<>(), events = new ArrayList<>();
        static long errors, finished, finishedAll;
        static String firstErr = "";
        static long t0, deadline, timeoutMs;
        static byte[] body;
        static String host, path;
        static final Map<String, String> headers = new LinkedHashMap<>();
        static CountDownLatch done;

        static double ms(long nanos) {
            return nanos / 1e6;
        }

        static void run(Map<String, List<String>> o) throws Exception {
            URI u = URI.create(opt(o, "url", null));
            if (!u.getHost().startsWith("127.") && !u.getHost().equals("localhost")) {
                throw new IllegalArgumentException("refusing non-loopback " + u);
            }
            body = Files.readAllBytes(Path.of(opt(o, "body", null)));
            int conns = (int) num(o, "conns", 8);
            long duration = num(o, "duration", 20);
            timeoutMs = num(o, "timeout", 30) * 1000;
            long expectChunks = num(o, "expect-chunks", 0);
            long chunkDelayMs = num(o, "chunk-delay-ms", 0);
            host = u.getHost() + ":" + u.getPort();
            path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            headers.put("content-type", "application/json");
            headers.put("accept", "text/event-stream");
            for (String h : o.getOrDefault("header", List.of())) {
                int k = h.indexOf(':');
                headers.put(h.substring(0, k).trim().toLowerCase(), h.substring(k + 1).trim());
            }
            EventLoopGroup group = new NioEventLoopGroup(1);
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .remoteAddress(u.getHost(), u.getPort());
            t0 = System.nanoTime();
            deadline = t0 + duration * 1_000_000_000L;
            done = new CountDownLatch(conns);
            // connections start staggered over one stream's length, so the streams do not tick in lock-step
            long streamMs = expectChunks > 1 ? (expectChunks - 1) * chunkDelayMs : 0;
            for (int i = 0; i < conns; i++) {
                Worker w = new Worker(bootstrap);
                group.schedule(w::next, streamMs * 1_000_000L * i / conns, TimeUnit.NANOSECONDS);
            }
            boolean all = done.await(duration + timeoutMs / 1000 + 5, TimeUnit.SECONDS);
            group.submit(() -> report(expectChunks, chunkDelayMs, !all)).get();
            System.exit(all ? 0 : 3);
        }

        static double pct(List<Double> a, double p) {
            if (a.isEmpty()) {
                return Double.NaN;
            }
            double[] s = a.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            return s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))];
        }

        static String f2(double x) {
            return Double.isFinite(x) ? String.format("%.2f", x) : "nan";
        }

        static void report(long expectChunks, long chunkDelayMs, boolean partial) {
            double secs = (System.nanoTime() - t0) / 1e9;
            String buffered = "unknown";
            if (expectChunks > 1 && chunkDelayMs > 0 && !spread.isEmpty()) {
                buffered = pct(spread, 50) < 0.5 * (expectChunks - 1) * chunkDelayMs ? "yes" : "no";
            }
            double e50 = pct(events, 50);
            System.out.println("SSESUM streams=" + finished + " errors=" + errors + " ttft_p50_ms=" + f2(pct(ttft, 50))
                    + " ttft_p99_ms=" + f2(pct(ttft, 99)) + " total_p50_ms=" + f2(pct(total, 50)) + " total_p99_ms="
                    + f2(pct(total, 99)) + " gap_p50_ms=" + f2(pct(gaps, 50)) + " gap_p99_ms=" + f2(pct(gaps, 99))
                    + " spread_p50_ms=" + f2(pct(spread, 50)) + " events_p50="
                    + (Double.isNaN(e50) ? "NaN" : Long.toString((long) e50)) + " buffered=" + buffered
                    + " streams_per_s=" + f2(finished / secs) + " streams_all=" + finishedAll
                    + (partial ? " partial=1" : ""));
            if (!firstErr.isEmpty()) {
                System.err.println("first error: " + firstErr);
            }
            System.out.flush();
        }

        /**
         * A content event: an OpenAI chunk whose choices[0].delta.content is a non-empty string, or an Anthropic
         * content_block_delta (the Node probe's test, read with Jackson's streaming parser).
         */
        static boolean isContent(byte[] b, int off, int len) {
            if (len == 6 && new String(b, off, len, StandardCharsets.US_ASCII).equals("[DONE]")) {
                return false;
            }
            try (JsonParser p = JSON.getFactory().createParser(b, off, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if (f.equals("type") && v == JsonToken.VALUE_STRING && p.getText().equals("content_block_delta")) {
                        return true;
                    }
                    if (f.equals("choices")) {
                        if (v != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) {
                            return false;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String g = p.currentName();
                            JsonToken w = p.nextToken();
                            if (g.equals("delta")) {
                                if (w != JsonToken.START_OBJECT) {
                                    return false;
                                }
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    String h = p.currentName();
                                    JsonToken x = p.nextToken();
                                    if (h.equals("content")) {
                                        return x == JsonToken.VALUE_STRING && p.getTextLength() > 0;
                                    }
                                    p.skipChildren();
                                }
                                return false;
                            }
                            p.skipChildren();
                        }
                        return false;
                    }
                    p.skipChildren();
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        }

        /** One keep-alive connection running one stream after another, on the probe's event loop. */
        @io.netty.channel.ChannelHandler.Sharable // a new connection after a failed one gets the same worker
        static final class Worker extends SimpleChannelInboundHandler<HttpObject> {
            final Bootstrap bootstrap;
            Channel ch;
            boolean record; // the first stream on each connection is a warm-up
            boolean active, failed, keepAlive;
            int status;
            long ts, first, prev, last, n;
            final List<Double> myGaps = new ArrayList<>();
            byte[] acc = new byte[8192];
            int accLen;
            final StringBuilder errBody = new StringBuilder();
            ScheduledFuture<?> timer;

            Worker(Bootstrap bootstrap) {
                this.bootstrap = bootstrap;
            }

            void next() {
                if (record && System.nanoTime() >= deadline) {
                    closeQuietly();
                    done.countDown();
                    return;
                }
                if (ch == null || !ch.isActive()) {
                    bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new HttpClientCodec(), Worker.this);
                        }
                    }).connect().addListener(f -> {
                        if (f.isSuccess()) {
                            ch = ((io.netty.channel.ChannelFuture) f).channel();
                            send();
                        } else {
                            fail("connect: " + f.cause());
                        }
                    });
                } else {
                    send();
                }
            }

            void send() {
                FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                        Unpooled.wrappedBuffer(body));
                r.headers().set(HttpHeaderNames.HOST, host).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                headers.forEach((k, v) -> r.headers().set(k, v));
                first = prev = last = n = status = 0;
                active = true;
                failed = false;
                keepAlive = true;
                myGaps.clear();
                accLen = 0;
                errBody.setLength(0);
                timer = ch.eventLoop().schedule(() -> fail("timeout"), timeoutMs, TimeUnit.MILLISECONDS);
                ts = System.nanoTime();
                ch.writeAndFlush(r);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                long t = System.nanoTime();
                if (!active || ctx.channel() != ch) {
                    return; // a connection given up on (timed out, failed) that still had bytes to deliver
                }
                if (msg instanceof HttpResponse res) {
                    status = res.status().code();
                    keepAlive = HttpUtil.isKeepAlive(res);
                }
                if (msg instanceof HttpContent c) {
                    ByteBuf in = c.content();
                    if (status != 200) {
                        errBody.append(in.toString(StandardCharsets.UTF_8));
                    } else {
                        feed(in, t);
                    }
                    if (msg instanceof LastHttpContent) {
                        end();
                    }
                }
            }

            /** Appends the bytes read and handles each whole event (up to a blank line, \n\n or \r\n\r\n). */
            void feed(ByteBuf in, long t) {
                int r = in.readableBytes();
                if (accLen + r > acc.length) {
                    acc = Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + r));
                }
                in.getBytes(in.readerIndex(), acc, accLen, r);
                accLen += r;
                int start = 0;
                for (int i = 0; i + 1 < accLen; i++) {
                    int sep = acc[i] == '\n' && acc[i + 1] == '\n' ? 2
                            : acc[i] == '\r' && i + 3 < accLen && acc[i + 1] == '\n' && acc[i + 2] == '\r'
                                    && acc[i + 3] == '\n' ? 4 : 0;
                    if (sep > 0) {
                        event(start, i, t);
                        start = i + sep;
                        i = start - 1;
                    }
                }
                System.arraycopy(acc, start, acc, 0, accLen - start);
                accLen -= start;
            }

            /** One event's bytes: its data lines (trimmed, joined by \n), counted when they are content. */
            void event(int from, int to, long t) {
                byte[] data = acc;
                int dFrom = -1, dTo = -1;
                java.io.ByteArrayOutputStream joined = null;
                for (int ls = from; ls < to;) {
                    int le = ls;
                    while (le < to && acc[le] != '\n') {
                        le++;
                    }
                    int end = le > ls && acc[le - 1] == '\r' ? le - 1 : le;
                    if (end - ls >= 5 && acc[ls] == 'd' && acc[ls + 1] == 'a' && acc[ls + 2] == 't' && acc[ls + 3] == 'a'
                            && acc[ls + 4] == ':') {
                        int a = ls + 5, b = end;
                        while (a < b && acc[a] == ' ') {
                            a++;
                        }
                        while (b > a && acc[b - 1] == ' ') {
                            b--;
                        }
                        if (dFrom < 0) {
                            dFrom = a;
                            dTo = b;
                        } else {
                            if (joined == null) {
                                joined = new java.io.ByteArrayOutputStream();
                                joined.write(acc, dFrom, dTo - dFrom);
                            }
                            joined.write('\n');
                            joined.write(acc, a, b - a);
                        }
                    }
                    ls = le + 1;
                }
                if (joined != null) {
                    data = joined.toByteArray();
                    dFrom = 0;
                    dTo = data.length;
                }
                if (dFrom >= 0 && dTo > dFrom && isContent(data, dFrom, dTo - dFrom)) {
                    n++;
                    if (first == 0) {
                        first = t;
                    } else {
                        myGaps.add(ms(t - prev));
                    }
                    prev = t;
                    last = t;
                }
            }

            void end() {
                active = false;
                timer.cancel(false);
                if (status != 200) {
                    fail("HTTP " + status + ": " + errBody.substring(0, Math.min(300, errBody.length())));
                    return;
                }
                if (first == 0) {
                    fail("stream ended without content events");
                    return;
                }
                finishedAll++;
                if (record) {
                    long te = System.nanoTime();
                    ttft.add(ms(first - ts));
                    total.add(ms(te - ts));
                    spread.add(ms(last - first));
                    events.add((double) n);
                    gaps.addAll(myGaps);
                    finished++;
                }
                record = true;
                if (!keepAlive) {
                    closeQuietly();
                }
                next();
            }

            void fail(String why) {
                if (failed) {
                    return;
                }
                failed = true;
                active = false;
                if (timer != null) {
                    timer.cancel(false);
                }
                errors++;
                if (firstErr.isEmpty()) {
                    firstErr = why;
                }
                closeQuietly();
                record = true;
                next();
            }

            void closeQuietly() {
                if (ch != null) {
                    Channel c = ch;
                    ch = null;
                    c.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (active && ctx.channel() == ch) {
                    fail("connection closed mid-stream");
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (active && ctx.channel() == ch) {
                    fail(cause.toString());
                }
            }
        }
    }
}
