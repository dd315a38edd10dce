package dev.caravan.e2e;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.state.TestRedis;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.JarLaunch;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two gateway processes (the packaged jar) sharing one Redis and one PostgreSQL, 64 concurrent clients spread over
 * both: limits and budgets hold for the pair as for one gateway, a key created on one replica works on the other,
 * and the ledger and the spend API agree with what the clients were charged. Skips without Redis or PostgreSQL
 * ({@code CARAVAN_TEST_REDIS_URL}, {@code CARAVAN_TEST_POSTGRES_URL}, else 127.0.0.1:6379 and :5432).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {

    static final String ADMIN = "scale-out-admin-key-4b1d";
    static final String PROVIDER_KEY = "sk-upstream-scale-test-abcdefgh";
    static final int CLIENTS = 64;
    // gpt-4o-mini at 0.15 / 0.60 USD per million tokens; "hi" is estimated at 10 prompt tokens, so max_tokens 1000
    // reserves 0.0006015 USD; the stub answers 10 + 200 tokens = 0.0001215 USD
    static final String BODY = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":1000,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final BigDecimal MAX_COST = new BigDecimal("0.0006015");

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Process> processes = new ArrayList<>();
    final List<Path> logs = new ArrayList<>();
    final int[] api = new int[2];
    final int[] admin = new int[2];
    String redisUrl;
    String prefix;
    String pgBase;
    String schema;
    StubUpstream stub;

    @BeforeAll
    void start() throws Exception {
        redisUrl = TestRedis.url();
        pgBase = postgres();
        prefix = TestRedis.freshPrefix();
        schema = "caravan_scale_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(pgBase)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        stub = new StubUpstream();
        stub.always((req, reply) -> {
            Thread.sleep(15);
            reply.json(200, """
                    {"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                     "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":10,"completion_tokens":200,"total_tokens":210}}""");
        });
        for (int i = 0; i < 2; i++) {
            launch(i);
        }
        for (int i = 0; i < 2; i++) {
            awaitReady(i);
        }
    }

    private void launch(int i) throws Exception {
        api[i] = GatewayTestSupport.freePort();
        admin[i] = GatewayTestSupport.freePort();
        Path work = Files.createTempDirectory("caravan-replica-" + i);
        GatewayTestSupport.copyTree(Path.of("config"), work.resolve("config"));
        // under target/test-logs, where LogSecrecyIT reads every log of the run for leaked keys
        Path log = Files.createDirectories(Path.of("target/test-logs")).resolve("scale-out-replica-" + i + ".log");
        logs.add(log);
        String jdbc = pgBase + (pgBase.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        List<String> cmd = new java.util.ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx384m",
                "-Dcaravan.api.port=" + api[i], "-Dcaravan.admin.port=" + admin[i], "-Dcaravan.admin.key=" + ADMIN,
                "-Dcaravan.ledger.jdbc-url=" + jdbc, "-Dcaravan.ledger.flush-ms=200",
                "-Dcaravan.state.redis-url=" + redisUrl, "-Dcaravan.state.redis-prefix=" + prefix,
                // correctness under a shared, busy CI machine: a cold JVM may take more than the default 500 ms
                "-Dcaravan.state.redis-timeout-ms=2000",
                "-Dcaravan.provider.openai.base-url=" + stub.baseUrl() + "/v1",
                "-Dcaravan.provider.openai.api-key=" + PROVIDER_KEY));
        // the jar, with the test-only reply recorder beside it: its replies are scanned for secrets too
        cmd.addAll(JarLaunch.jarWithReplyRecorder());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.endsWith("_API_KEY") || k.startsWith("CARAVAN_"));
        processes.add(pb.start());
    }

    private void awaitReady(int i) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (adminCall(i, "GET", "/ready", null).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("replica " + i + " did not become ready:\n" + Files.readString(logs.get(i)));
    }

    @AfterAll
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (stub != null) {
            stub.close();
        }
        if (prefix != null) {
            TestRedis.deleteAll(redisUrl, prefix);
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(pgBase)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void aKeyWithRpmNGetsExactlyNSuccessesAcrossBothReplicas() throws Exception {
        int rpm = 40;
        String[] key = createKey(0, "{\"tenant\":\"scale-rpm\",\"rpm\":" + rpm + "}");
        List<HttpResponse<String>> rs = fire(key[1], 2, false);
        long ok = rs.stream().filter(r -> r.statusCode() == 200).count();
        long limited = rs.stream().filter(r -> r.statusCode() == 429).count();
        assertThat(ok).isEqualTo(rpm);
        assertThat(limited).isEqualTo(rs.size() - rpm);
        // both replicas served some of the admitted calls: the key made on replica 0 works on replica 1
        assertThat(rs.stream().filter(r -> r.statusCode() == 200 && r.uri().getPort() == api[1])).isNotEmpty();
        assertLedgerAndSpendMatch(key[0], rs);
    }

    @Test
    void aBudgetIsOvershotByAtMostOneCallsMaximumCost() throws Exception {
        BigDecimal budget = new BigDecimal("0.01");
        String[] key = createKey(1, "{\"tenant\":\"scale-budget\",\"budget\":\"" + budget + "/day\"}");
        List<HttpResponse<String>> rs = fire(key[1], 0, true);
        long refused = rs.stream().filter(r -> r.statusCode() == 429).count();
        assertThat(refused).isGreaterThan(0);
        BigDecimal charged = assertLedgerAndSpendMatch(key[0], rs);
        assertThat(charged).isLessThanOrEqualTo(budget.add(MAX_COST));
        // and the budget was used: one more call would not fit
        assertThat(charged.add(MAX_COST)).isGreaterThan(budget);
        assertThat(chat(0, key[1]).statusCode()).isEqualTo(429);
        assertThat(chat(1, key[1]).statusCode()).isEqualTo(429);
    }

    /**
     * 64 clients, alternating replicas. {@code perClient} > 0: that many calls each; 0: each client calls until its
     * first budget refusal.
     */
    private List<HttpResponse<String>> fire(String secret, int perClient, boolean untilRefused) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<HttpResponse<String>>>> fs = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                fs.add(pool.submit(() -> {
                    List<HttpResponse<String>> mine = new ArrayList<>();
                    for (int n = 0; untilRefused ? n < 200 : n < perClient; n++) {
                        HttpResponse<String> r = chat((client + n) % 2, secret);
                        mine.add(r);
                        if (untilRefused && r.statusCode() == 429) {
                            break;
                        }
                    }
                    return mine;
                }));
            }
            List<HttpResponse<String>> all = new ArrayList<>();
            for (Future<List<HttpResponse<String>>> f : fs) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertThat(all).allMatch(r -> r.statusCode() == 200 || r.statusCode() == 429);
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Ledger rows = calls answered; spend API total = sum of x-caravan-cost-usd (to 1e-6 USD). Returns it. */
    private BigDecimal assertLedgerAndSpendMatch(String keyId, List<HttpResponse<String>> rs) throws Exception {
        BigDecimal charged = rs.stream().map(r -> r.headers().firstValue("x-caravan-cost-usd").orElse("0"))
                .map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
        await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> ledgerRows(keyId) >= rs.size());
        Thread.sleep(500);
        assertThat(ledgerRows(keyId)).isEqualTo(rs.size());
        JsonNode total = GatewayTestSupport.json(adminCall(0, "GET", "/admin/spend?since=1d&key=" + keyId, null)
                .body()).get("total");
        assertThat(total.get("requests").asLong()).isEqualTo(rs.size());
        assertThat(total.get("cost_usd").decimalValue().subtract(charged).abs())
                .isLessThanOrEqualTo(new BigDecimal("0.000001"));
        return charged;
    }

    private long ledgerRows(String keyId) throws Exception {
        try (Connection c = DriverManager.getConnection(pgBase);
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + schema
                        + ".caravan_ledger WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String[] createKey(int replica, String json) throws Exception {
        HttpResponse<String> r = adminCall(replica, "POST", "/admin/keys", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = GatewayTestSupport.json(r.body());
        return new String[] {n.get("id").asText(), n.get("key").asText()};
    }

    private HttpResponse<String> chat(int replica, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api[replica]
                + "/v1/chat/completions")).header("authorization", "Bearer " + secret)
                .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> adminCall(int replica, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin[replica] + path))
                .header("authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(10));
        if (json != null) {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The PostgreSQL JDBC URL, or skips. */
    private static String postgres() {
        String env = System.getenv("CARAVAN_TEST_POSTGRES_URL");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        boolean answers;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
            answers = true;
        } catch (Exception e) {
            answers = false;
        }
        assumeTrue(answers, "no PostgreSQL (set CARAVAN_TEST_POSTGRES_URL or run one on 127.0.0.1:5432 with database "
                + "test, user postgres, trust auth): scale-out test skipped");
        return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }
}
