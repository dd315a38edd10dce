package dev.caravan.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

/**
 * CPU per request of the gateway process with keys and money off ({@code caravan.money.enabled=false}, a key from
 * configuration) and on (a virtual key with RPM, TPM and a budget; admission, cost, metering, H2 ledger). The jar
 * runs as its own process (pinned to CPU 0 when {@code taskset} exists), driven with non-stream chat requests
 * against a local stub; its CPU time comes from /proc before and after the measured requests, in total and
 * without the JIT compiler threads (which still compile after a short warm-up on a busy machine).
 *
 * <p>Both gateways run side by side, and are warmed up and measured at the same time, so that whatever else runs
 * on the machine weighs on both alike; the round is repeated and medians reported.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) dev.caravan.bench.MoneyPathBench
 *     [rounds=3] [requests=20000] [concurrency=8] [warmup=60000]</pre>
 * {@code -Dbench.modes=off,on} chooses the gateways (also {@code on-cfgkey}: money on with a configured key, no
 * limits or budget; {@code on-memdb}: the ledger in an in-memory database).
 */
public final class MoneyPathBench {

    static final String REQUEST = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":"
            + "\"You are a concise assistant.\"},{\"role\":\"user\",\"content\":\"In two sentences, what does an LLM "
            + "gateway benchmark measure?\"}],\"max_tokens\":64,\"temperature\":0}";
    static final String ANSWER = "{\"id\":\"chatcmpl-mock0000000000000000000000001\",\"object\":\"chat.completion\","
            + "\"created\":1735689600,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
            + "{\"role\":\"assistant\",\"content\":\"Sure. A gateway benchmark compares throughput and latency of a "
            + "proxy against calling the upstream directly, using the same load, the same mock provider and the same "
            + "hardware, so the difference is the overhead the gateway adds.\",\"refusal\":null,\"annotations\":[]},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":27,\"completion_tokens\":42,"
            + "\"total_tokens\":69,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_mock\"}";
    static final String ADMIN = "bench-admin-key";
    static final long TICKS_PER_SECOND = 100; // USER_HZ

    /** One measured gateway: CPU per request in total and without the JIT compiler threads. */
    record Result(String mode, double cpuMsPerRequest, double jitFreeCpuMsPerRequest, double requestsPerSecond,
            double p50Ms, double p99Ms) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 60_000;
        List<String> modes = List.of(System.getProperty("bench.modes", "off,on").split(","));
        List<Result> results = new ArrayList<>();
        try (StubUpstream stub = new StubUpstream()) {
            stub.always((req, reply) -> reply.json(200, ANSWER));
            for (int r = 1; r <= rounds; r++) {
                List<Gateway> gws = new ArrayList<>();
                try {
                    for (String m : modes) {
                        gws.add(Gateway.start(m, stub));
                    }
                    parallel(gws, g -> g.load(warmup, concurrency, null));
                    List<Result> round = parallelResults(gws, g -> g.measure(requests, concurrency));
                    for (Result res : round) {
                        System.out.printf("round %d %-9s cpu_ms_per_req=%.4f without_jit=%.4f req_per_s=%.0f "
                                + "p50_ms=%.3f p99_ms=%.3f%n", r, res.mode(), res.cpuMsPerRequest(),
                                res.jitFreeCpuMsPerRequest(), res.requestsPerSecond(), res.p50Ms(), res.p99Ms());
                    }
                    results.addAll(round);
                } finally {
                    for (Gateway g : gws) {
                        g.stop();
                    }
                }
            }
        }
        for (String m : modes) {
            System.out.printf("median %-9s cpu_ms_per_req=%.4f without_jit=%.4f%n", m,
                    median(results, m, Result::cpuMsPerRequest), median(results, m, Result::jitFreeCpuMsPerRequest));
        }
    }

    /** A gateway process. */
    record Gateway(String mode, Process process, int port, String key, HttpClient http) {

        static Gateway start(String mode, StubUpstream stub) throws Exception {
            int port = GatewayTestSupport.freePort();
            int adminPort = GatewayTestSupport.freePort();
            Path config = Files.createTempDirectory("bench-config");
            GatewayTestSupport.copyTree(Path.of("config"), config);
            Path data = Files.createTempDirectory("bench-data");
            List<String> cmd = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
                cmd.addAll(List.of("/usr/bin/taskset", "-c", System.getProperty("bench.gateway.cpus", "0")));
            }
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String extra = System.getProperty("bench.jvm.args", "");
            if (!extra.isBlank()) {
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-Xmx512m", "-Dcaravan.api.port=" + port, "-Dcaravan.api.host=127.0.0.1",
                    "-Dcaravan.admin.port=" + adminPort, "-Dcaravan.config.dir=" + config,
                    "-Dcaravan.data.dir=" + data, "-Dcaravan.admin.key=" + ADMIN,
                    "-Dcaravan.keys.bench=" + GatewayTestSupport.KEY, "-Dcaravan.reload.enabled=false",
                    "-Dcaravan.provider.openai.base-url=" + stub.baseUrl() + "/openai",
                    "-Dcaravan.provider.openai.api-key=bench-provider-key",
                    "-Dcaravan.money.enabled=" + mode.startsWith("on"),
                    "-Dlogback.configurationFile=" + Path.of("bench/logback-quiet.xml").toAbsolutePath()));
            if (mode.equals("on-memdb")) {
                cmd.add("-Dcaravan.ledger.jdbc-url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
            }
            cmd.addAll(List.of("-jar", "target/caravan.jar"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(data.resolve("gateway.log").toFile()).start();
            waitForPort(port);
            String key = mode.equals("on") || mode.equals("on-memdb") ? createKey(adminPort) : GatewayTestSupport.KEY;
            return new Gateway(mode, p, port, key,
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }

        Result measure(int requests, int concurrency) throws Exception {
            Map<String, Long> threads0 = threadTicks(process.pid());
            long cpu0 = cpuTicks(process.pid());
            long t0 = System.nanoTime();
            long[] latencies = new long[requests];
            load(requests, concurrency, latencies);
            long elapsed = System.nanoTime() - t0;
            long cpu1 = cpuTicks(process.pid());
            Map<String, Long> threads1 = threadTicks(process.pid());
            long jit = 0;
            for (Map.Entry<String, Long> e : threads1.entrySet()) {
                if (e.getKey().contains("CompilerThre")) {
                    jit += e.getValue() - threads0.getOrDefault(e.getKey(), 0L);
                }
            }
            Arrays.sort(latencies);
            double perReq = 1000.0 / TICKS_PER_SECOND / requests;
            return new Result(mode, (cpu1 - cpu0) * perReq, (cpu1 - cpu0 - jit) * perReq,
                    requests / (elapsed / 1e9), latencies[requests / 2] / 1e6, latencies[requests * 99 / 100] / 1e6);
        }

        Void load(int n, int concurrency, long[] latencies) throws Exception {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();
            AtomicLong next = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                fs.add(pool.submit(() -> {
                    long i;
                    while ((i = next.getAndIncrement()) < n) {
                        long s = System.nanoTime();
                        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(mode + ": HTTP " + r.statusCode());
                        }
                        if (latencies != null) {
                            latencies[(int) i] = System.nanoTime() - s;
                        }
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            return null;
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    interface Task<T> {
        T run(Gateway g) throws Exception;
    }

    static void parallel(List<Gateway> gws, Task<?> task) {
        parallelResults(gws, task);
    }

    static <T> List<T> parallelResults(List<Gateway> gws, Task<T> task) {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (Gateway g : gws) {
            fs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return task.run(g);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        return fs.stream().map(CompletableFuture::join).toList();
    }

    static String createKey(int adminPort) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + adminPort + "/admin/keys")).header("authorization", "Bearer " + ADMIN)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"tenant\":\"bench\",\"rpm\":1000000000,\"tpm\":2000000000,\"budget\":\"1000000/month\","
                                + "\"models\":[\"openai/*\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("key creation failed: " + r.body());
        }
        return GatewayTestSupport.json(r.body()).get("key").asText();
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** utime + stime per thread ("tid comm" -> ticks); threads that ended are missing. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (var dirs = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : dirs.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName() + " " + comm, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    static void waitForPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("gateway did not open port " + port);
    }

    static double median(List<Result> rs, String mode, ToDoubleFunction<Result> f) {
        double[] v = rs.stream().filter(r -> r.mode().equals(mode)).mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
