import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Open-loop (constant-rate) load: requests start on a fixed schedule whatever the answers do, and each latency is
 * measured from the moment the request was due, not from when it could be sent, so a stall shows in the
 * percentiles instead of slowing the load down (no coordinated omission, as wrk2). A weighted mix of request
 * classes; one summary line per class and one for all, plus, with --pid, a time series of the process's RSS,
 * threads, heap after GC (from a -Xlog:gc file) and open sockets, for soak runs. Single-file program
 * on the gateway jar's class path (HdrHistogram comes with Micrometer):
 *
 *   java -cp target/caravan.jar bench/OpenLoad.java --url http://127.0.0.1:18080 --key sk-cvn-... --rate 1000 \
 *       --duration 60 --warmup 10 --mix "chat=100:bench/requests/mock.json"
 *
 * --mix: comma-separated NAME=WEIGHT:BODY where BODY is a JSON file, or "bad" for a malformed body.
 * --series S (default 30): seconds between soak samples; --gc-log F: the gateway's -Xlog:gc output.
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

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(url + "/v1/chat/completions");
        Map<String, Stats> stats = new TreeMap<>();
        for (Kind k : kinds) {
            stats.put(k.name(), new Stats());
        }
        AtomicLong inFlight = new AtomicLong();
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        long nextSample = measureFrom;
        long maxLag = 0;
        System.out.printf("open-loop %s: %.0f req/s for %d s after %d s warm-up, mix %s%n", url, rate, duration, warmup,
                o.getOrDefault("mix", "chat=100"));
        if (pid != null) {
            System.out.println("t_s sent rps_interval p99_ms_interval in_flight rss_mb threads heap_after_gc_mb sockets");
        }
        long sentMeasured = 0;
        long sentAtSample = 0;
        long lastSample = measureFrom;
        Recorder interval = new Recorder(3);
        for (long i = 0;; i++) {
            long due = start + i * periodNanos;
            if (due >= end) {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxLag = due >= measureFrom ? Math.max(maxLag, now - due) : maxLag;
            Kind k = wheel[(int) (i % wheel.length)];
            boolean measured = due >= measureFrom;
            if (measured) {
                sentMeasured++;
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(k.body()));
            if (key != null) {
                req.header("authorization", "Bearer " + key);
            }
            Stats s = stats.get(k.name());
            inFlight.incrementAndGet();
            http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                long took = System.nanoTime() - due;
                inFlight.decrementAndGet();
                if (!measured) {
                    return;
                }
                if (e != null) {
                    s.failures.increment();
                } else {
                    s.statuses.computeIfAbsent(r.statusCode(), x -> new LongAdder()).increment();
                }
                s.latency.recordValue(took);
                interval.recordValue(took);
            });
            if (pid != null && now >= nextSample) {
                long t = (now - measureFrom) / 1_000_000_000L;
                Histogram h = interval.getIntervalHistogram();
                System.out.printf("%d %d %.0f %.3f %d %s%n", t, sentMeasured,
                        (sentMeasured - sentAtSample) / Math.max(1e-9, (now - lastSample) / 1e9),
                        h.getValueAtPercentile(99) / 1e6, inFlight.get(), sample(pid, gcLog));
                sentAtSample = sentMeasured;
                lastSample = now;
                nextSample = now + series * 1_000_000_000L;
            }
        }
        long drainUntil = System.nanoTime() + 35_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(10);
        }
        if (pid != null) {
            System.out.printf("end %d - - %d %s%n", sentMeasured, inFlight.get(), sample(pid, gcLog));
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
                        + "max_send_lag_ms=%.3f%n", all.getTotalCount(), all.getValueAtPercentile(50) / 1e6,
                all.getValueAtPercentile(99) / 1e6, all.getValueAtPercentile(99.9) / 1e6, all.getMaxValue() / 1e6,
                sentMeasured, sentMeasured - answered, maxLag / 1e6);
        System.exit(0);
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
