package dev.caravan.ledger;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.caravan.db.Database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ledger retention on H2 and, when {@code CARAVAN_TEST_POSTGRES_URL} is set, on PostgreSQL (a fresh schema per
 * test, dropped afterwards): spend reports and budget spend are the same before and after a roll-up, a second run
 * changes nothing, late rows are merged, and two replicas running the job at once end where one run ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerRetentionTest {

    static final Instant NOW = Instant.parse("2026-11-12T10:00:00Z");
    /** Retention 10 days at NOW: days before 2026-11-02 are rolled up. */
    static final LocalDate FIRST_KEPT = LocalDate.parse("2026-11-02");
    static final String[] KEYS = {"k1", "k2", "k3", null};
    static final String[] TENANTS = {"acme", "beta"};
    static final String[] MODELS = {"openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4", "x/unpriced"};
    static final String[] ENDPOINTS = {"chat", "embeddings", "messages"};

    final List<String> schemas = new ArrayList<>();

    @AfterAll
    void dropSchemas() {
        schemas.forEach(PostgresSchema::drop);
    }

    /** A fresh, empty database of the given kind; skips PostgreSQL when none is configured. */
    String url(String kind) throws Exception {
        if (kind.equals("postgres")) {
            assumeTrue(PostgresSchema.available(), "no PostgreSQL: set " + PostgresSchema.ENV
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres) to run this test on it");
            String schema = PostgresSchema.create();
            schemas.add(schema);
            return PostgresSchema.url(schema);
        }
        return "jdbc:h2:file:" + Files.createTempDirectory("caravan-retention").resolve("caravan")
                + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    static LedgerRetention retention(Database db) {
        return new LedgerRetention(db, 10, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** {@code n} calls spread over 2026-10-01 .. 2026-11-11, every kind of value the spend API sums. */
    static List<LedgerRow> rows(int n, long seed) {
        return rows(n, seed, LocalDate.parse("2026-10-01"), 42);
    }

    /** {@code n} calls spread over {@code days} days from {@code first}. */
    static List<LedgerRow> rows(int n, long seed, LocalDate first, int days) {
        Random rnd = new Random(seed);
        long from = LedgerRetention.startMs(first);
        long span = days * 86_400_000L;
        List<LedgerRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String model = MODELS[rnd.nextInt(MODELS.length)];
            boolean hit = rnd.nextInt(10) == 0;
            int status = rnd.nextInt(12) == 0 ? 429 : 200;
            BigDecimal cost = model.startsWith("x/") ? null
                    : hit ? BigDecimal.ZERO : BigDecimal.valueOf(rnd.nextInt(1_000_000_000), 10 + rnd.nextInt(3));
            out.add(new LedgerRow("req-" + seed + "-" + i, from + (long) (rnd.nextDouble() * span),
                    KEYS[rnd.nextInt(KEYS.length)], TENANTS[rnd.nextInt(TENANTS.length)],
                    rnd.nextInt(4) == 0 ? "team=a,env=prod" : null, model, model.substring(0, model.indexOf('/')),
                    model.substring(model.indexOf('/') + 1), model, model, rnd.nextInt(50_000), rnd.nextInt(5_000),
                    rnd.nextInt(100), 0, rnd.nextInt(50), cost, hit ? new BigDecimal("0.0012345678") : null, false,
                    hit, status, status < 400 ? "ok" : "error", status < 400 ? null : "rate_limited",
                    rnd.nextBoolean(), 100, null, ENDPOINTS[rnd.nextInt(ENDPOINTS.length)]));
        }
        return out;
    }

    static void write(Database db, List<LedgerRow> rows) throws Exception {
        JdbcLedgerWriter w = new JdbcLedgerWriter(db);
        for (int i = 0; i < rows.size(); i += 500) {
            w.write(rows.subList(i, Math.min(rows.size(), i + 500)));
        }
    }

    /** Every report the tests compare: several ranges (whole days), every grouping, budget spend. */
    static Map<String, Object> reports(Database db) throws Exception {
        LedgerQueries q = new LedgerQueries(db);
        Map<String, Object> out = new TreeMap<>();
        String[][] ranges = {{"2026-10-01", "2026-12-01"}, {"2026-10-15", "2026-11-05"}, {"2026-11-01", "2026-11-12"},
            {"2026-09-01", "2026-10-02"}};
        List<List<String>> groupings = List.of(List.of(), List.of("key"), List.of("tenant"), List.of("model"),
                List.of("provider"), List.of("deployment"), List.of("day"), List.of("tags"), List.of("day", "model"),
                List.of("key", "tenant", "model", "provider", "deployment", "tags", "day"));
        for (String[] r : ranges) {
            Instant since = LocalDate.parse(r[0]).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant until = LocalDate.parse(r[1]).atStartOfDay(ZoneOffset.UTC).toInstant();
            for (List<String> by : groupings) {
                SpendReport s = q.spend(by, since, until, null, null);
                out.put(r[0] + ".." + r[1] + " by " + by + " total", s.total());
                // groups as a sorted map: rows of equal cost may come in any order
                Map<String, SpendReport.Line> groups = new TreeMap<>();
                s.rows().forEach(l -> groups.put(l.group().toString(), l));
                out.put(r[0] + ".." + r[1] + " by " + by, groups);
            }
            out.put(r[0] + ".." + r[1] + " tenant acme", q.spend(List.of("model"), since, until, "acme", null).total());
            out.put(r[0] + ".." + r[1] + " key k2", q.spend(List.of("day"), since, until, null, "k2").total());
        }
        for (String scope : new String[] {"key:k1", "key:k2", "tenant:acme", "tenant:beta"}) {
            for (String from : new String[] {"2026-10-01", "2026-10-20", "2026-11-01", "2026-11-10"}) {
                out.put("spentSince " + scope + " " + from, q.spentSince(scope, LocalDate.parse(from)));
            }
        }
        return out;
    }

    static long count(Database db, String sql) throws Exception {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The roll-up table without its update times, one string per row, in key order. */
    static List<String> dailyTable(Database db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM caravan_ledger_daily ORDER BY usage_day, group_hash");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String col = rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
                    Object v = rs.getObject(i);
                    if (!col.equals("updated_at")) {
                        sb.append(col).append('=').append(v instanceof BigDecimal d
                                ? d.stripTrailingZeros().toPlainString() : String.valueOf(v)).append(' ');
                    }
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    static long oldRows(Database db) throws Exception {
        return count(db, "SELECT COUNT(*) FROM caravan_ledger WHERE ts_ms < "
                + LedgerRetention.startMs(FIRST_KEPT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aRollUpChangesNoReportOrBudgetAndASecondRunChangesNothing(String kind) throws Exception {
        try (Database db = new Database(url(kind), null, null, 4)) {
            List<LedgerRow> rows = rows(3_000, 1);
            write(db, rows);
            long old = oldRows(db);
            assertThat(old).isGreaterThan(2_000);
            Map<String, Object> before = reports(db);

            LedgerRetention.Result r = retention(db).run();

            assertThat(r.rows()).isEqualTo(old);
            assertThat(r.days()).isEqualTo(32); // 2026-10-01 .. 2026-11-01
            assertThat(oldRows(db)).isZero();
            assertThat(count(db, "SELECT COUNT(*) FROM caravan_ledger")).isEqualTo(rows.size() - old);
            assertThat(count(db, "SELECT SUM(requests) FROM caravan_ledger_daily")).isEqualTo(old);
            assertThat(count(db, "SELECT COUNT(*) FROM caravan_ledger_daily")).isEqualTo(r.groups()).isLessThan(old);
            assertThat(reports(db)).isEqualTo(before);

            List<String> table = dailyTable(db);
            assertThat(retention(db).run()).isEqualTo(new LedgerRetention.Result(0, 0, 0));
            assertThat(dailyTable(db)).isEqualTo(table);
            assertThat(reports(db)).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void lateRowsOfARolledUpDayAreAddedToItsGroups(String kind) throws Exception {
        try (Database db = new Database(url(kind), null, null, 4)) {
            LedgerRow first = LedgerStoreTest.row("a", "2026-10-05T10:00:00Z", "k1", "acme", "openai/gpt-4o",
                    "0.0000031500", null, 200);
            write(db, List.of(first));
            retention(db).run();
            Map<String, Object> once = reports(db);
            // the same group again (e.g. replayed from the fallback file), and a new group of that day
            write(db, List.of(LedgerStoreTest.row("b", "2026-10-05T23:59:59.999Z", "k1", "acme", "openai/gpt-4o",
                    "0.1234567891", null, 200), LedgerStoreTest.row("c", "2026-10-05T00:00:00Z", "k2", "acme",
                    "openai/gpt-4o", null, null, 500)));
            Map<String, Object> withLate = reports(db);
            assertThat(withLate).isNotEqualTo(once);

            assertThat(retention(db).run()).isEqualTo(new LedgerRetention.Result(1, 2, 2));

            assertThat(reports(db)).isEqualTo(withLate);
            assertThat(count(db, "SELECT COUNT(*) FROM caravan_ledger")).isZero();
            assertThat(dailyTable(db)).hasSize(2).anySatisfy(l -> assertThat(l)
                    .contains("key_id=k1 ", "requests=2 ", "cost_usd=0.1234599391 ", "usage_day=2026-10-05 "))
                    .anySatisfy(l -> assertThat(l).contains("key_id=k2 ", "requests=1 ", "cost_usd=0 ",
                            "unknown_cost_requests=1 ", "errors=1 "));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoReplicasRunningTheJobAtOnceEndWhereOneRunEnds(String kind) throws Exception {
        List<LedgerRow> rows = rows(6_000, 2);
        List<String> alone;
        Map<String, Object> reports;
        try (Database db = new Database(url(kind), null, null, 4)) {
            write(db, rows);
            reports = reports(db);
            retention(db).run();
            alone = dailyTable(db);
        }
        String url = url(kind);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Database one = new Database(url, null, null, 4); Database two = new Database(url, null, null, 4)) {
            write(one, rows);
            long old = oldRows(one);
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<LedgerRetention.Result>> runs = new ArrayList<>();
            for (Database replica : List.of(one, two)) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return retention(replica).run();
                }));
            }
            LedgerRetention.Result a = runs.get(0).get(60, TimeUnit.SECONDS);
            LedgerRetention.Result b = runs.get(1).get(60, TimeUnit.SECONDS);

            assertThat(a.rows() + b.rows()).isEqualTo(old);
            assertThat(a.days() + b.days()).isEqualTo(32);
            assertThat(dailyTable(two)).isEqualTo(alone);
            assertThat(reports(two)).isEqualTo(reports);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void retentionZeroKeepsEveryRow(String kind) throws Exception {
        try (Database db = new Database(url(kind), null, null, 2)) {
            write(db, rows(200, 3));
            assertThat(new LedgerRetention(db, 0, Clock.fixed(NOW, ZoneOffset.UTC)).run().rows()).isZero();
            assertThat(count(db, "SELECT COUNT(*) FROM caravan_ledger")).isEqualTo(200);
            assertThat(count(db, "SELECT COUNT(*) FROM caravan_ledger_daily")).isZero();
        }
    }
}
