package dev.caravan.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.JarLaunch;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged jar killed with SIGKILL under load, then restarted on the same database. 32 clients send chat
 * calls (one in four streamed) until at least 1,500 were answered (3 s at least, 30 s at most) and record the
 * request id ({@code x-request-id}) and the moment of every answered call; then the JVM gets {@code kill -9}, a
 * new gateway starts on the same data, and every answered call's ledger row is looked up.
 *
 * <ul>
 * <li>{@code caravan.ledger.durability=async}: only calls answered within the loss window before the kill may be
 * missing: {@code flush-ms} (500) plus H2's write delay (500 ms; PostgreSQL: none) plus {@link #MARGIN_MS} for a
 * busy machine.
 * <li>{@code sync}: no answered call may be missing.
 * </ul>
 * Every reply is also checked for the keys this test configures (the jar's gateway has no reply recorder).
 * The database must open cleanly after the kill (the restarted gateway becomes ready and serves). Each run's
 * figures are printed and appended to {@code target/crash-durability.txt}. The PostgreSQL runs need
 * {@code CARAVAN_TEST_POSTGRES_URL}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashDurabilityIT {

    static final String KEY = "sk-cvn-crash-test-key-77889900aabb";
    static final String PROVIDER_KEY = "sk-upstream-crash-test-abcdefgh";
    static final int CLIENTS = 32;
    /** The clients run at least this long, and until {@link #ANSWERS} calls were answered or {@link #MAX_LOAD_MS}. */
    static final long LOAD_MS = 3_000;
    static final int ANSWERS = 1_500;
    static final long MAX_LOAD_MS = 30_000;
    static final long FLUSH_MS = 500;
    static final long H2_WRITE_DELAY_MS = 500;
    /** For the insert itself and a busy machine's scheduling. */
    static final long MARGIN_MS = 1_500;
    static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    StubUpstream stub;

    /** An answered call: its request id and when the client had the whole reply. */
    record Answered(String requestId, long atNanos, boolean stream) {
    }

    @BeforeAll
    void stub() throws IOException {
        stub = new StubUpstream();
        stub.always((req, reply) -> {
            Thread.sleep(5);
            if (req.body().contains("\"stream\":true")) {
                reply.sse(List.of(StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
                        + "\"finish_reason\":\"stop\"}]}"), StubUpstream.data("{\"id\":\"s\",\"object\":"
                        + "\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}"),
                        "data: [DONE]\n\n"), 0);
            } else {
                reply.json(200, """
                        {"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                         "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""");
            }
        });
    }

    @AfterAll
    void stopStub() throws IOException {
        stub.close();
    }

    @Test
    void asyncOnH2LosesOnlyTheLastFlushWindow() throws Exception {
        Result r = crash("async", null);
        assertThat(r.lostAgesMs()).as("age at the kill of each lost row (ms)")
                .allSatisfy(age -> assertThat(age).isLessThan(FLUSH_MS + H2_WRITE_DELAY_MS + MARGIN_MS));
    }

    @Test
    void syncOnH2LosesNothing() throws Exception {
        Result r = crash("sync", null);
        assertThat(r.lostAgesMs()).as("answered calls without a ledger row").isEmpty();
    }

    @Test
    void asyncOnPostgresLosesOnlyTheLastFlushWindow() throws Exception {
        String schema = postgres();
        Result r;
        try {
            r = crash("async", schema);
        } finally {
            dropSchema(schema);
        }
        assertThat(r.lostAgesMs()).as("age at the kill of each lost row (ms)")
                .allSatisfy(age -> assertThat(age).isLessThan(FLUSH_MS + MARGIN_MS));
    }

    @Test
    void syncOnPostgresLosesNothing() throws Exception {
        String schema = postgres();
        Result r;
        try {
            r = crash("sync", schema);
        } finally {
            dropSchema(schema);
        }
        assertThat(r.lostAgesMs()).as("answered calls without a ledger row").isEmpty();
    }

    record Result(int answered, int present, List<Long> lostAgesMs) {
    }

    /** Load, kill -9, restart, count; {@code pgSchema} null: the embedded H2 under the work directory. */
    Result crash(String durability, String pgSchema) throws Exception {
        Path work = Files.createTempDirectory("caravan-crash");
        GatewayTestSupport.copyTree(Path.of("config"), work.resolve("config"));
        int api = GatewayTestSupport.freePort();
        int admin = GatewayTestSupport.freePort();
        String jdbc = pgSchema == null ? null : pgUrl(pgSchema);
        String name = "crash-" + durability + "-" + (pgSchema == null ? "h2" : "postgres");

        Process gateway = start(work, api, admin, durability, jdbc, name + "-1");
        ready(gateway, api, admin, name + "-1");
        List<Answered> answered = new ArrayList<>();
        long killedAt = load(api, answered, gateway);
        // SIGKILL: the JVM exits with 128 + 9 and runs no shutdown hook
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gateway.exitValue()).as("exit status of kill -9").isEqualTo(137);
        assertThat(log(name + "-1")).doesNotContain("is shutting down");

        // the same data directory (or schema): the database must open and the gateway must serve
        Process again = start(work, api, admin, durability, jdbc, name + "-2");
        try {
            ready(again, api, admin, name + "-2");
            assertThat(call(api, false).statusCode()).isEqualTo(200);
        } finally {
            again.destroy();
            assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(log(name + "-2")).doesNotContainIgnoringCase("corrupt").doesNotContain("MVStoreException");

        Set<String> rows = rows(jdbc == null ? "jdbc:h2:file:" + work.resolve("data/caravan") : jdbc);
        List<Long> lostAges = new ArrayList<>();
        long newestLost = -1;
        for (Answered a : answered) {
            if (!rows.contains(a.requestId())) {
                lostAges.add(TimeUnit.NANOSECONDS.toMillis(killedAt - a.atNanos()));
            }
        }
        int present = answered.size() - lostAges.size();
        newestLost = lostAges.stream().mapToLong(Long::longValue).max().orElse(-1);
        String line = String.format("%s %s: answered %d (streams %d), rows present %d, lost %d, oldest lost answered "
                + "%s ms before the kill, window allowed %s", Instant.now(), name, answered.size(),
                answered.stream().filter(Answered::stream).count(), present, lostAges.size(),
                lostAges.isEmpty() ? "-" : Long.toString(newestLost), "sync".equals(durability) ? "0"
                        : (FLUSH_MS + (pgSchema == null ? H2_WRITE_DELAY_MS : 0)) + " + " + MARGIN_MS + " ms");
        System.out.println(line);
        Files.writeString(Path.of("target/crash-durability.txt"), line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        // a busy machine may answer fewer than ANSWERS in MAX_LOAD_MS; a few hundred still make the point
        assertThat(answered.size()).as("answered calls").isGreaterThanOrEqualTo(300);
        return new Result(answered.size(), present, lostAges);
    }

    Process start(Path work, int api, int admin, String durability, String jdbc, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx384m",
                "-Dcaravan.api.host=127.0.0.1", "-Dcaravan.api.port=" + api, "-Dcaravan.admin.port=" + admin,
                "-Dcaravan.reload.enabled=false", "-Dcaravan.ledger.durability=" + durability,
                "-Dcaravan.ledger.flush-ms=" + FLUSH_MS,
                "-Dcaravan.provider.openai.base-url=" + stub.baseUrl() + "/v1",
                "-Dcaravan.provider.openai.api-key=" + PROVIDER_KEY));
        if (jdbc != null) {
            cmd.add("-Dcaravan.ledger.jdbc-url=" + jdbc);
        }
        // the jar, with the test-only reply recorder beside it: its replies are scanned for secrets too
        cmd.addAll(JarLaunch.jarWithReplyRecorder());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile(name).toFile());
        pb.environment().keySet().removeIf(k -> k.endsWith("_API_KEY") || k.startsWith("CARAVAN_"));
        pb.environment().put("CARAVAN_API_KEY", KEY);
        return pb.start();
    }

    /** Runs the clients for {@link #LOAD_MS}, kills the gateway while they run; returns the moment of the kill. */
    long load(int api, List<Answered> answered, Process gateway) throws Exception {
        Map<String, Answered> seen = new ConcurrentHashMap<>();
        List<String> leaks = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> {
                while (!stop.get()) {
                    boolean stream = ThreadLocalRandom.current().nextInt(4) == 0;
                    try {
                        HttpResponse<String> r = call(api, stream);
                        long at = System.nanoTime();
                        // this gateway runs from the jar, without the test run's reply recorder: check here
                        String reply = r.headers().map() + r.body();
                        if (reply.contains(KEY) || reply.contains(PROVIDER_KEY)) {
                            leaks.add(r.headers().firstValue("x-request-id").orElse("?"));
                        }
                        // a stream counts as answered once its last event arrived
                        if (r.statusCode() == 200 && (!stream || r.body().contains("data: [DONE]"))) {
                            String id = r.headers().firstValue("x-request-id").orElseThrow();
                            seen.put(id, new Answered(id, at, stream));
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the gateway was killed: this call was not answered
                    }
                }
                return null;
            });
        }
        long started = System.nanoTime();
        while (System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(MAX_LOAD_MS)
                && (System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(LOAD_MS) || seen.size() < ANSWERS)) {
            Thread.sleep(20);
        }
        long killedAt = System.nanoTime();
        gateway.destroyForcibly(); // SIGKILL on Linux, to the java process itself
        Thread.sleep(500);
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        // a reply whose last byte arrived after the kill instant was still answered before the process died
        answered.addAll(seen.values());
        assertThat(leaks).as("replies that show the gateway or provider key").isEmpty();
        return Math.max(killedAt, answered.stream().mapToLong(Answered::atNanos).max().orElse(killedAt));
    }

    HttpResponse<String> call(int api, boolean stream) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/v1/chat/completions"))
                    .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(stream ? STREAM : CHAT))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    void ready(Process p, int api, int admin, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            assertThat(p.isAlive()).as("gateway %s died:%n%s", name, log(name)).isTrue();
            try {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                r.body().close();
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("gateway " + name + " not ready:\n" + log(name));
    }

    static Set<String> rows(String jdbc) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(jdbc);
                PreparedStatement ps = c.prepareStatement("SELECT request_id FROM caravan_ledger");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Under target/test-logs, where LogSecrecyIT reads every log of the run. */
    static Path logFile(String name) throws IOException {
        return Files.createDirectories(Path.of("target/test-logs")).resolve(name + ".log");
    }

    static String log(String name) throws IOException {
        return Files.readString(logFile(name), StandardCharsets.UTF_8);
    }

    String postgres() throws Exception {
        String base = System.getenv("CARAVAN_TEST_POSTGRES_URL");
        assumeTrue(base != null && !base.isBlank(), "CARAVAN_TEST_POSTGRES_URL is not set");
        String schema = "caravan_crash_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    static void dropSchema(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(System.getenv("CARAVAN_TEST_POSTGRES_URL").trim())) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    static String pgUrl(String schema) {
        String base = System.getenv("CARAVAN_TEST_POSTGRES_URL").trim();
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
