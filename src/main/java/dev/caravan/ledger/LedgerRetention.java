package dev.caravan.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.db.Database;
import dev.caravan.support.Sha256;

/**
 * Ledger retention: whole UTC days older than {@code caravan.ledger.retention-days} are rolled up into
 * {@code caravan_ledger_daily} (one row per day × key × tenant × tags × model asked × provider × deployment ×
 * endpoint, every measure of the spend API) and their detailed rows are deleted. Route {@code ledger.retention}
 * (routes/ledger-retention.camel.yaml) calls {@link #run()} on a timer; 0 days turns it off.
 *
 * <p>One day is one transaction: lock the single row of {@code caravan_ledger_rollup_lock}, add the day's detailed
 * rows to whatever is already rolled up for that day (rows arriving late, e.g. replayed from the fallback file, are
 * merged, not duplicated), delete the detailed rows, commit. Replicas running the job at the same time take turns
 * on the lock and the second finds nothing left to do; the primary key (day, group hash) refuses a double insert
 * even without the lock. A row inserted between the sums and the delete would be deleted uncounted: the delete's
 * count is checked against the sums and the day is retried when they differ.
 */
public final class LedgerRetention implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRetention.class);
    private static final int ATTEMPTS = 3;
    private static final String DIMS = "key_id, tenant, tags, model_requested, provider, deployment, endpoint";
    private static final String SUMS = "SELECT " + DIMS + ", COUNT(*), "
            + "SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END), COALESCE(SUM(cost_usd), 0), "
            + "COALESCE(SUM(saved_usd), 0), SUM(prompt_tokens), SUM(completion_tokens), SUM(cached_tokens), "
            + "SUM(cache_write_tokens), SUM(reasoning_tokens), SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END), "
            + "SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) FROM caravan_ledger WHERE ts_ms >= ? AND ts_ms < ? "
            + "GROUP BY " + DIMS;
    private static final String ROLLED = "SELECT " + DIMS + ", requests, unknown_cost_requests, cost_usd, saved_usd, "
            + "prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cache_hits, "
            + "errors FROM caravan_ledger_daily WHERE usage_day = ?";
    private static final String INSERT = "INSERT INTO caravan_ledger_daily (requests, unknown_cost_requests, "
            + "cost_usd, saved_usd, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, "
            + "reasoning_tokens, cache_hits, errors, updated_at, usage_day, group_hash, " + DIMS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE caravan_ledger_daily SET requests = ?, unknown_cost_requests = ?, "
            + "cost_usd = ?, saved_usd = ?, prompt_tokens = ?, completion_tokens = ?, cached_tokens = ?, "
            + "cache_write_tokens = ?, reasoning_tokens = ?, cache_hits = ?, errors = ?, updated_at = ? "
            + "WHERE usage_day = ? AND group_hash = ?";

    /** What one run did. */
    public record Result(int days, long rows, int groups) {
    }

    /** One group's sums; {@code dims} in the order of {@link #DIMS}. */
    private record Group(List<String> dims, long[] counts, BigDecimal cost, BigDecimal saved) {

        Group plus(Group o) {
            long[] c = counts.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] += o.counts[i];
            }
            return new Group(dims, c, cost.add(o.cost), saved.add(o.saved));
        }
    }

    private final Database db;
    private final int retentionDays;
    private final Clock clock;

    public LedgerRetention(Database db, int retentionDays, Clock clock) {
        this.db = db;
        this.retentionDays = Math.max(0, retentionDays);
        this.clock = clock;
    }

    public int retentionDays() {
        return retentionDays;
    }

    /** The step of route {@code ledger.retention}. */
    @Override
    public void process(Exchange exchange) throws SQLException {
        run();
    }

    /** Rolls up every day older than the retention; does nothing when the retention is 0 (keep every row). */
    public Result run() throws SQLException {
        if (retentionDays == 0) {
            return new Result(0, 0, 0);
        }
        Result r = rollUpBefore(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retentionDays));
        if (r.days() > 0) {
            LOG.info("ledger retention: {} detailed rows of {} days rolled up into {} daily rows", r.rows(), r.days(),
                    r.groups());
        }
        return r;
    }

    /** Rolls up every day before {@code firstKept} (UTC), oldest first, one transaction per day. */
    public Result rollUpBefore(LocalDate firstKept) throws SQLException {
        long cutoff = startMs(firstKept);
        int days = 0;
        long rows = 0;
        int groups = 0;
        LocalDate day;
        while ((day = oldestDayBefore(cutoff)) != null) {
            long[] done = rollUpDay(day);
            if (done[0] > 0) { // 0: another replica rolled this day up while this one waited for the lock
                days++;
            }
            rows += done[0];
            groups += (int) done[1];
        }
        return new Result(days, rows, groups);
    }

    private LocalDate oldestDayBefore(long cutoffMs) throws SQLException {
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("SELECT MIN(ts_ms) FROM caravan_ledger WHERE ts_ms < ?")) {
            ps.setLong(1, cutoffMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? null : LocalDate.ofInstant(Instant.ofEpochMilli(min), ZoneOffset.UTC);
            }
        }
    }

    /** Rolls up one day; returns {detailed rows removed, groups written}. */
    long[] rollUpDay(LocalDate day) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try {
                    long[] done = rollUpDay(c, day);
                    if (done != null) {
                        c.commit();
                        return done;
                    }
                    c.rollback();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
            if (attempt >= ATTEMPTS) {
                throw new SQLException("ledger retention: rows of " + day + " kept arriving during the roll-up; "
                        + "it is retried on the next run");
            }
        }
    }

    /** Null when the delete removed other rows than those summed (a row arrived in between): roll back. */
    private long[] rollUpDay(Connection c, LocalDate day) throws SQLException {
        lock(c);
        long from = startMs(day);
        long to = startMs(day.plusDays(1));
        Map<String, Group> fresh = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(SUMS)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            read(ps, fresh);
        }
        if (fresh.isEmpty()) {
            return new long[] {0, 0};
        }
        Map<String, Group> rolled = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ROLLED)) {
            ps.setDate(1, Date.valueOf(day));
            read(ps, rolled);
        }
        long summed = 0;
        long now = clock.millis();
        try (PreparedStatement ins = c.prepareStatement(INSERT); PreparedStatement upd = c.prepareStatement(UPDATE)) {
            for (Map.Entry<String, Group> e : fresh.entrySet()) {
                Group g = e.getValue();
                summed += g.counts()[0];
                Group old = rolled.get(e.getKey());
                PreparedStatement ps = old == null ? ins : upd;
                int i = bindSums(ps, old == null ? g : old.plus(g), now);
                ps.setDate(i++, Date.valueOf(day));
                ps.setString(i++, e.getKey());
                if (old == null) {
                    for (String d : g.dims()) {
                        ps.setString(i++, d);
                    }
                }
                ps.addBatch();
            }
            ins.executeBatch();
            upd.executeBatch();
        }
        int deleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM caravan_ledger WHERE ts_ms >= ? AND ts_ms < ?")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            deleted = ps.executeUpdate();
        }
        if (deleted != summed) {
            LOG.warn("ledger retention: {} rows of {} summed but {} deleted; retrying", summed, day, deleted);
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE caravan_ledger_rollup_lock SET last_day = ?, updated_at = ? WHERE id = 1")) {
            ps.setDate(1, Date.valueOf(day));
            ps.setLong(2, now);
            ps.executeUpdate();
        }
        return new long[] {deleted, fresh.size()};
    }

    /** Waits for the other replicas' roll-up transactions (H2: up to its lock timeout, then fails the run). */
    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM caravan_ledger_rollup_lock WHERE id = 1 FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("caravan_ledger_rollup_lock has no row 1 (migration V5)");
            }
        }
    }

    private static void read(PreparedStatement ps, Map<String, Group> into) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> dims = new ArrayList<>(7);
                for (int i = 1; i <= 7; i++) {
                    dims.add(rs.getString(i));
                }
                long[] counts = {rs.getLong(8), rs.getLong(9), rs.getLong(12), rs.getLong(13), rs.getLong(14),
                    rs.getLong(15), rs.getLong(16), rs.getLong(17), rs.getLong(18)};
                into.put(hash(dims), new Group(dims, counts, rs.getBigDecimal(10), rs.getBigDecimal(11)));
            }
        }
    }

    private static int bindSums(PreparedStatement ps, Group g, long now) throws SQLException {
        long[] n = g.counts();
        ps.setLong(1, n[0]);
        ps.setLong(2, n[1]);
        ps.setBigDecimal(3, g.cost());
        ps.setBigDecimal(4, g.saved());
        for (int i = 2; i < n.length; i++) {
            ps.setLong(i + 3, n[i]);
        }
        ps.setLong(12, now);
        return 13;
    }

    /** SHA-256 (hex) of the group's columns, each length-prefixed, NULL distinct from the empty string. */
    static String hash(List<String> dims) {
        StringBuilder sb = new StringBuilder();
        for (String d : dims) {
            sb.append(d == null ? "-" : d.length() + ":" + d).append('|');
        }
        return Sha256.hex(sb.toString());
    }

    static long startMs(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
