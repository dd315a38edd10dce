package dev.caravan.bench;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.caravan.db.Database;
import dev.caravan.ledger.JdbcLedgerWriter;
import dev.caravan.ledger.LedgerQueries;
import dev.caravan.ledger.LedgerRetention;
import dev.caravan.ledger.LedgerRow;

/**
 * Roll-up speed on the embedded H2 file database: {@code rows} ledger rows (default 100000) over 30 days, 20 keys,
 * 2 tenants, 6 models, 3 endpoints; then one retention run that rolls up all 30 days. Prints rows, days, groups
 * and seconds, and the time of the admin API's month report by key before the roll-up. Args: [rows] [jdbc-url] (default: a fresh H2 file under /tmp).
 */
public final class LedgerRetentionBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String url = args.length > 1 ? args[1] : "jdbc:h2:file:"
                + Files.createTempDirectory("caravan-retention-bench").resolve("caravan") + ";DB_CLOSE_ON_EXIT=FALSE";
        String[] models = {"openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4", "gemini/gemini-2.5-pro",
            "groq/llama-3.3-70b", "x/unpriced"};
        String[] endpoints = {"chat", "embeddings", "messages"};
        LocalDate first = LocalDate.parse("2026-10-01");
        long from = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Random rnd = new Random(1);
        try (Database db = new Database(url, null, null, 4)) {
            JdbcLedgerWriter w = new JdbcLedgerWriter(db);
            long t0 = System.nanoTime();
            List<LedgerRow> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String m = models[rnd.nextInt(models.length)];
                batch.add(new LedgerRow("b-" + i, from + (long) (rnd.nextDouble() * 30 * 86_400_000L),
                        "key-" + rnd.nextInt(20), "tenant-" + rnd.nextInt(2), null, m, m.substring(0, m.indexOf('/')),
                        m.substring(m.indexOf('/') + 1), m, m, 1000 + rnd.nextInt(5000), rnd.nextInt(1000), 0, 0, 0,
                        m.startsWith("x/") ? null : java.math.BigDecimal.valueOf(rnd.nextInt(100_000_000), 10),
                        null, false, false, 200, "ok", null, false, 300, null, endpoints[rnd.nextInt(3)]));
                if (batch.size() == 500) {
                    w.write(batch);
                    batch.clear();
                }
            }
            w.write(batch);
            double insert = (System.nanoTime() - t0) / 1e9;
            // the admin API's month report by key, three times (the first reads the pages from the file)
            LedgerQueries queries = new LedgerQueries(db);
            StringBuilder report = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                long q0 = System.nanoTime();
                queries.spend(List.of("key"), Instant.ofEpochMilli(from), Instant.ofEpochMilli(from + 30 * 86_400_000L),
                        null, null);
                report.append(i == 0 ? "" : "/").append(String.format("%.3f", (System.nanoTime() - q0) / 1e9));
            }
            LedgerRetention job = new LedgerRetention(db, 1,
                    Clock.fixed(Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC));
            long t1 = System.nanoTime();
            LedgerRetention.Result r = job.run();
            double rollup = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            LedgerRetention.Result again = job.run();
            double noop = (System.nanoTime() - t2) / 1e9;
            long left;
            try (Connection c = db.connection(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT COUNT(*) FROM caravan_ledger")) {
                rs.next();
                left = rs.getLong(1);
            }
            System.out.printf("rows=%d insert_s=%.2f spend_by_key_s=%s rolled_rows=%d days=%d groups=%d rollup_s=%.2f rows_per_s=%.0f "
                    + "second_run_s=%.3f second_run_rows=%d detailed_left=%d%n", n, insert, report, r.rows(), r.days(),
                    r.groups(), rollup, r.rows() / rollup, noop, again.rows(), left);
        }
    }
}
