package dev.caravan.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * CPU the gateway spends per non-streamed request: Anthropic (full translation both ways) against the
 * OpenAI-compatible pass-through, same conversation, same answer. Starts {@code target/caravan.jar} as its own
 * process against an in-process stub that answers at once, drives it over HTTP with a few client threads, and reads
 * the gateway process's CPU time (user + system, {@code ProcessHandle.Info.totalCpuDuration}) around each measured
 * round. Rounds alternate between the two paths so background load drifts affect both alike.
 *
 * <pre>java -cp bench/jmh/target/benchmarks.jar dev.caravan.bench.GatewayCpu [requests-per-round] [rounds]</pre>
 */
public final class GatewayCpu {

    private GatewayCpu() {
    }

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.setProperty("sun.net.httpserver.nodelay", "true"); // no Nagle stall between headers and body
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        stub.setExecutor(Executors.newFixedThreadPool(2));
        reply(stub, "/openai/chat/completions", Payloads.bytes("anthropic", "tools-auto-parallel", "expected.json"));
        reply(stub, "/anthropic/v1/messages",
                Payloads.bytes("anthropic", "tools-auto-parallel", "upstream-response.json"));
        stub.start();
        String base = "http://127.0.0.1:" + stub.getAddress().getPort();
        int port = freePort();
        String key = "sk-cvn-bench-0123456789abcdef";
        List<String> cmd = new ArrayList<>(List.of("java", "-Xms256m", "-Xmx256m",
                "-Dcaravan.api.port=" + port, "-Dcaravan.admin.port=" + freePort(), "-Dcaravan.api.host=127.0.0.1",
                "-Dcaravan.config.dir=config", "-Dcaravan.reload.enabled=false", "-Dcaravan.keys.bench=" + key,
                "-Dcaravan.provider.openai.base-url=" + base + "/openai", "-Dcaravan.provider.openai.api-key=sk-up",
                "-Dcaravan.provider.anthropic.base-url=" + base + "/anthropic",
                "-Dcaravan.provider.anthropic.api-key=sk-up", "-jar", "target/caravan.jar"));
        Process gw = new ProcessBuilder(cmd).redirectOutput(Path.of("target/gateway-cpu.log").toFile())
                .redirectErrorStream(true).start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI uri = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
            waitUp(http, URI.create("http://127.0.0.1:" + port + "/health"));
            String conversation = new String(Payloads.bytes("anthropic", "tool-results-history", "request.json"));
            Map<String, String> bodies = Map.of(
                    "openai", conversation.replace("anthropic/claude-sonnet-4-5", "openai/gpt-4o-mini"),
                    "anthropic", conversation);
            for (String p : List.of("openai", "anthropic")) {
                drive(http, uri, key, bodies.get(p), perRound); // warm-up, not measured
            }
            Map<String, List<Double>> us = Map.of("openai", new ArrayList<>(), "anthropic", new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                for (String p : List.of("openai", "anthropic")) {
                    long before = cpuNanos(gw);
                    long t0 = System.nanoTime();
                    drive(http, uri, key, bodies.get(p), perRound);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double perReq = (cpuNanos(gw) - before) / 1e3 / perRound;
                    us.get(p).add(perReq);
                    System.out.printf("round %d %-9s cpu_us_per_req=%.1f rps=%.0f%n", r + 1, p, perReq,
                            perRound / wall);
                }
            }
            double o = median(us.get("openai"));
            double a = median(us.get("anthropic"));
            System.out.printf("median cpu_us_per_req openai=%.1f anthropic=%.1f ratio=%.3f%n", o, a, a / o);
        } finally {
            gw.destroy();
            stub.stop(0);
            System.exit(0);
        }
    }

    private static void reply(HttpServer s, String path, byte[] body) {
        s.createContext(path, ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static void drive(HttpClient http, URI uri, String key, String body, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger left = new AtomicInteger(n);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            fs.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                            .header("authorization", "Bearer " + key).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(r.statusCode() + " " + r.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    private static long cpuNanos(Process p) {
        return p.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static void waitUp(HttpClient http, URI health) throws Exception {
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("gateway did not start; see target/gateway-cpu.log");
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
