import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop (constant-rate) load: requests start on a fixed schedule whatever the answers do, and each latency is
 * measured from the moment the request was due, not from when it could be sent, so a stall shows in the
 * percentiles instead of slowing the load down (no coordinated omission, as wrk2). A weighted mix of request
 * classes; one summary line per class and one for all, plus, with --pid, a time series of the process's RSS,
 * threads, heap after GC (from a -Xlog:gc file) and open sockets, for soak runs. The warm-up ramps the rate from a
 * tenth to the full rate; sent_total counts its calls too. Single-file program
 * on the gateway jar's class path (HdrHistogram comes with Micrometer):
 *
 *   java -cp target/caravan.jar bench/OpenLoad.java --url http://127.0.0.1:18080 --key sk-cvn-... --rate 1000 \
 *       --duration 60 --warmup 10 --mix "chat=100:bench/requests/mock.json"
 *
 * --mix: comma-separated NAME=WEIGHT:BODY where BODY is a JSON file, or "bad" for a malformed body.
 * --series S (default 30): seconds between soak samples; --gc-log F: the gateway's -Xlog:gc output;
 * --conns N (default 1024): most keep-alive connections open at once (calls wait for a free one beyond that).
 */
public class OpenLoad {

    record Kind(String name, int weight, byte[] body) {
    }

    static final class Stats {
        final Recorder latency = new Recorder(3);
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder failures = new LongAdder();
    }

    public static void main(String[] a) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < a.length; i += 2) {
            o.put(a[i].replaceFirst("^--", ""), a[i + 1]);
        }
        String url = o.getOrDefault("url", "http://127.0.0.1:18080");
        String key = o.get("key");
        double rate = Double.parseDouble(o.getOrDefault("rate", "1000"));
        long duration = Long.parseLong(o.getOrDefault("duration", "60"));
        long warmup = Long.parseLong(o.getOrDefault("warmup", "10"));
        long series = Long.parseLong(o.getOrDefault("series", "30"));
        String pid = o.get("pid");
        Path gcLog = o.containsKey("gc-log") ? Path.of(o.get("gc-log")) : null;
        List<Kind> kinds = new ArrayList<>();
        for (String spec : o.getOrDefault("mix", "chat=100:bench/requests/mock.json").split(",")) {
            String[] nv = spec.split("=", 2);
            String[] wb = nv[1].split(":", 2);
            byte[] body = wb[1].equals("bad") ? "{\"model\": \"mock/gpt-4o-mini\", \"messages\": [".getBytes()
                    : Files.readAllBytes(Path.of(wb[1]));
            kinds.add(new Kind(nv[0], Integer.parseInt(wb[0]), body));
        }
        int totalWeight = kinds.stream().mapToInt(Kind::weight).sum();
        Kind[] wheel = new Kind[totalWeight];
        int w = 0;
        for (Kind k : kinds) {
            for (int i = 0; i < k.weight(); i++) {
                wheel[w++] = k;
            }
        }
        // spread the classes over the wheel so that each second sees the same mix
        List<Kind> spread = new ArrayList<>(List.of(wheel));
        java.util.Collections.shuffle(spread, new java.util.Random(42));
        wheel = spread.toArray(new Kind[0]);

        URI uri = URI.create(url);
        Client client = new Client(uri, key, Integer.parseInt(o.getOrDefault("conns", "1024")));
        Map<String, Stats> stats = new TreeMap<>();
        for (Kind k : kinds) {
            stats.put(k.name(), new Stats());
        }
        AtomicLong inFlight = client.inFlight;
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        long maxLag = 0;
        System.out.printf("open-loop %s: %.0f req/s for %d s after %d s warm-up, mix %s%n", url, rate, duration, warmup,
                o.getOrDefault("mix", "chat=100"));
        if (pid != null) {
            System.out.println("t_s sent rps_interval p99_ms_interval in_flight rss_mb threads heap_after_gc_mb sockets");
        }
        AtomicLong sentMeasured = new AtomicLong();
        Recorder interval = new Recorder(3);
        if (pid != null) {
            // the samples (reading /proc and the GC log) on a thread of their own: on the sending thread they
            // delayed the calls due meanwhile by tens of milliseconds
            Thread sampler = new Thread(() -> {
                long last = measureFrom;
                long sentAt = 0;
                for (long next = measureFrom;; next += series * 1_000_000_000L) {
                    long now;
                    while ((now = System.nanoTime()) < next) {
                        LockSupport.parkNanos(next - now);
                    }
                    if (now >= end) {
                        return;
                    }
                    long sent = sentMeasured.get();
                    Histogram h = interval.getIntervalHistogram();
                    System.out.printf("%d %d %.0f %.3f %d %s%n", (now - measureFrom) / 1_000_000_000L, sent,
                            (sent - sentAt) / Math.max(1e-9, (now - last) / 1e9), h.getValueAtPercentile(99) / 1e6,
                            inFlight.get(), sample(pid, gcLog));
                    sentAt = sent;
                    last = now;
                }
            }, "sampler");
            sampler.setDaemon(true);
            sampler.start();
        }
        long sentTotal = 0;
        long due = start;
        for (long i = 0;; i++) {
            if (i > 0) {
                // the warm-up ramps the rate up from a tenth to the full rate, so a cold gateway is not buried under
                // a backlog before the measured window starts; then one call every period
                due += due < measureFrom ? (long) (1e9 / (rate * (0.1 + 0.9 * (due - start) / (double) (measureFrom
                        - start)))) : periodNanos;
            }
            if (due >= end) {
                break;
            }
            long dueAt = due;
            sentTotal++;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxLag = due >= measureFrom ? Math.max(maxLag, now - due) : maxLag;
            Kind k = wheel[(int) (i % wheel.length)];
            boolean measured = due >= measureFrom;
            if (measured) {
                sentMeasured.incrementAndGet();
            }
            Stats s = stats.get(k.name());
            client.submit(new Call(k.body(), dueAt, (status, failed) -> {
                long took = System.nanoTime() - dueAt;
                if (!measured) {
                    return;
                }
                if (failed) {
                    s.failures.increment();
                } else {
                    s.statuses.computeIfAbsent(status, x -> new LongAdder()).increment();
                }
                s.latency.recordValue(took);
                interval.recordValue(took);
            }));
        }
        long drainUntil = System.nanoTime() + 35_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(10);
        }
        if (pid != null) {
            System.out.printf("end %d - - %d %s%n", sentMeasured.get(), inFlight.get(), sample(pid, gcLog));
        }
        Histogram all = new Histogram(3);
        long answered = 0;
        for (Map.Entry<String, Stats> e : stats.entrySet()) {
            Histogram h = e.getValue().latency.getIntervalHistogram();
            all.add(h);
            answered += h.getTotalCount();
            System.out.println(line(e.getKey(), h, e.getValue()));
        }
        System.out.printf("all n=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f sent=%d unanswered=%d "
                        + "max_send_lag_ms=%.3f connections_opened=%d sent_total=%d%n", all.getTotalCount(),
                all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6,
                all.getValueAtPercentile(99.9) / 1e6, all.getMaxValue() / 1e6, sentMeasured.get(),
                sentMeasured.get() - answered, maxLag / 1e6, client.opened, sentTotal);
        System.exit(0);
    }

    /** What to do when a call ends: the HTTP status, or failed (connection lost, refused, timed out). */
    interface Done {
        void done(int status, boolean failed);
    }

    record Call(byte[] body, long due, Done done) {
    }

    /**
     * A keep-alive HTTP/1.1 client on Netty, one event-loop thread, like wrk2's connections: a due call goes out on an
     * idle connection, on a new one while fewer than the maximum are open, or else waits for the next connection to
     * come free (its latency still counts from the moment it was due). Java's HttpClient, used before, opened a new
     * connection whenever all were busy and cost the shared load core more than the gateway's answers did.
     */
    static final class Client {
        static final AttributeKey<Call> CURRENT = AttributeKey.valueOf("call");
        static final AttributeKey<ScheduledFuture<?>> TIMER = AttributeKey.valueOf("timer");
        final EventLoopGroup group = new NioEventLoopGroup(1);
        final Bootstrap bootstrap;
        final String host;
        final String path;
        final String auth;
        final int maxConns;
        final AtomicLong inFlight = new AtomicLong();
        final ArrayDeque<Channel> idle = new ArrayDeque<>();
        final ArrayDeque<Call> waiting = new ArrayDeque<>();
        int open; // event loop only
        volatile long opened;

        Client(URI uri, String key, int maxConns) {
            this.host = uri.getHost() + ":" + uri.getPort();
            this.path = "/v1/chat/completions";
            this.auth = key == null ? null : "Bearer " + key;
            this.maxConns = maxConns;
            this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .remoteAddress(uri.getHost(), uri.getPort()).handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Reader());
                        }
                    });
        }

        void submit(Call call) {
            inFlight.incrementAndGet();
            group.next().execute(() -> dispatch(call));
        }

        private void dispatch(Call call) {
            Channel ch = idle.pollFirst();
            if (ch != null) {
                send(ch, call);
            } else if (open < maxConns) {
                connect(call);
            } else {
                waiting.addLast(call);
            }
        }

        private void connect(Call call) {
            open++;
            opened++;
            bootstrap.connect().addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    f.channel().closeFuture().addListener(c -> closed(f.channel()));
                    send(f.channel(), call);
                } else {
                    open--;
                    finish(call, 0, true);
                }
            });
        }

        private void send(Channel ch, Call call) {
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(call.body()));
            req.headers().set(HttpHeaderNames.HOST, host).set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, call.body().length);
            if (auth != null) {
                req.headers().set(HttpHeaderNames.AUTHORIZATION, auth);
            }
            ch.attr(CURRENT).set(call);
            ch.attr(TIMER).set(ch.eventLoop().schedule(() -> {
                if (ch.attr(CURRENT).getAndSet(null) == call) {
                    finish(call, 0, true);
                    ch.close();
                }
            }, 30, TimeUnit.SECONDS));
            ch.writeAndFlush(req);
        }

        /** The answer on ch is complete: the connection takes the next waiting call or becomes idle. */
        private void answered(Channel ch, int status, boolean keepAlive) {
            Call call = ch.attr(CURRENT).getAndSet(null);
            ScheduledFuture<?> timer = ch.attr(TIMER).getAndSet(null);
            if (timer != null) {
                timer.cancel(false);
            }
            if (call != null) {
                finish(call, status, false);
            }
            if (!keepAlive) {
                ch.close();
            } else if (!waiting.isEmpty()) {
                send(ch, waiting.pollFirst());
            } else {
                idle.addFirst(ch);
            }
        }

        private void closed(Channel ch) {
            open--;
            idle.remove(ch);
            Call call = ch.attr(CURRENT).getAndSet(null);
            if (call != null) {
                finish(call, 0, true);
            }
            if (!waiting.isEmpty() && open < maxConns) {
                connect(waiting.pollFirst());
            }
        }

        private void finish(Call call, int status, boolean failed) {
            inFlight.decrementAndGet();
            call.done().done(status, failed);
        }

        final class Reader extends SimpleChannelInboundHandler<HttpObject> {
            int status;
            boolean keepAlive;

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof HttpResponse r) {
                    status = r.status().code();
                    keepAlive = HttpUtil.isKeepAlive(r);
                }
                if (msg instanceof LastHttpContent) {
                    answered(ctx.channel(), status, keepAlive);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }

    static String line(String name, Histogram h, Stats s) {
        StringBuilder st = new StringBuilder();
        new TreeMap<>(s.statuses).forEach((code, n) -> st.append(st.length() == 0 ? "" : ",").append(code).append(':')
                .append(n.sum()));
        return String.format("%s n=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f statuses=%s failures=%d", name,
                h.getTotalCount(), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, st, s.failures.sum());
    }

    static final Pattern GC_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    /** RSS (MB), threads, the heap after the last GC in the log (MB), open sockets of the process. */
    static String sample(String pid, Path gcLog) {
        try {
            long rss = 0;
            int threads = 0;
            for (String l : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (l.startsWith("VmRSS:")) {
                    rss = Long.parseLong(l.replaceAll("\\D+", "")) / 1024;
                } else if (l.startsWith("Threads:")) {
                    threads = Integer.parseInt(l.replaceAll("\\D+", ""));
                }
            }
            String heap = "-";
            if (gcLog != null && Files.exists(gcLog)) {
                List<String> lines = Files.readAllLines(gcLog);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    Matcher m = GC_AFTER.matcher(lines.get(i));
                    if (m.find()) {
                        heap = m.group(2);
                        break;
                    }
                }
            }
            long conns = 0;
            try (var fds = Files.list(Path.of("/proc", pid, "fd"))) {
                conns = fds.filter(p -> {
                    try {
                        return Files.readSymbolicLink(p).toString().startsWith("socket:");
                    } catch (Exception e) {
                        return false;
                    }
                }).count();
            }
            return rss + " " + threads + " " + heap + " " + conns;
        } catch (Exception e) {
            return "? ? ? ?";
        }
    }
}
