package dev.caravan.shadow;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.db.Database;

/**
 * The shadow table ({@code caravan_shadow}, migration V8__shadow_results.sql): rows are queued and written by one
 * thread, off every request path; a full queue refuses the row (counted as dropped). After each write the table is
 * cut to the newest {@code maxRows} rows. Without a database ({@code caravan.money.enabled=false}) the newest
 * {@code maxRows} rows are kept in memory.
 */
public final class ShadowStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowStore.class);

    /** One shadowed call as stored (answer texts and tool calls are not stored: only the comparison). */
    public record Row(long tsMs, String requestId, String shadowId, String tenant, boolean stream,
            ShadowAnswer primary, ShadowAnswer candidate, ShadowComparison comparison) {
    }

    private static final String COLUMNS = "ts_ms, request_id, shadow_id, tenant, stream, primary_deployment, "
            + "primary_outcome, primary_latency_ms, primary_prompt_tokens, primary_completion_tokens, "
            + "primary_cost_usd, primary_finish_reason, candidate_deployment, candidate_outcome, "
            + "candidate_latency_ms, candidate_prompt_tokens, candidate_completion_tokens, candidate_cost_usd, "
            + "candidate_finish_reason, exact_match, similarity, fuzzy_match, tools_agree, finish_agree";

    private final Database db;
    private final int maxRows;
    private final BlockingQueue<Row> queue;
    private final Deque<Row> memory = new ArrayDeque<>();
    private final Thread writer;
    private volatile boolean running = true;

    public ShadowStore(Database db, int maxRows, int queueSize) {
        this.db = db;
        this.maxRows = Math.max(1, maxRows);
        this.queue = new ArrayBlockingQueue<>(Math.max(1, queueSize));
        this.writer = new Thread(this::drain, "caravan-shadow-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a row; false when the queue is full (the row is dropped). */
    public boolean add(Row r) {
        return queue.offer(r);
    }

    /** Rows recorded at or after {@code sinceMs}, oldest first (rows still queued included). */
    public List<Row> rows(long sinceMs) throws SQLException {
        List<Row> out = new ArrayList<>();
        if (db == null) {
            synchronized (memory) {
                memory.stream().filter(r -> r.tsMs() >= sinceMs).forEach(out::add);
            }
        } else {
            try (Connection c = db.connection();
                    PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                            + " FROM caravan_shadow WHERE ts_ms >= ? ORDER BY id")) {
                ps.setLong(1, sinceMs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
        }
        return out;
    }

    private void drain() {
        List<Row> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Row first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 499);
                write(batch);
            } catch (InterruptedException e) {
                running = false;
            } catch (Exception e) {
                LOG.warn("shadow results not written ({} rows): {}", batch.size(), e.toString());
            }
            batch.clear();
        }
    }

    private void write(List<Row> batch) throws SQLException {
        if (db == null) {
            synchronized (memory) {
                memory.addAll(batch);
                while (memory.size() > maxRows) {
                    memory.removeFirst();
                }
            }
            return;
        }
        // one transaction: readers never see more than maxRows rows
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO caravan_shadow (" + COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (Row r : batch) {
                    bind(ps, r);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM caravan_shadow WHERE id <= "
                    + "(SELECT MAX(id) FROM caravan_shadow) - ?")) {
                ps.setLong(1, maxRows);
                ps.executeUpdate();
            }
        });
    }

    private static void bind(PreparedStatement ps, Row r) throws SQLException {
        int i = 1;
        ps.setLong(i++, r.tsMs());
        ps.setString(i++, r.requestId());
        ps.setString(i++, r.shadowId());
        ps.setString(i++, r.tenant());
        ps.setBoolean(i++, r.stream());
        i = side(ps, i, r.primary());
        i = side(ps, i, r.candidate());
        ShadowComparison c = r.comparison();
        bool(ps, i++, c.exact());
        if (c.similarity() == null) {
            ps.setNull(i++, Types.NUMERIC);
        } else {
            ps.setBigDecimal(i++, BigDecimal.valueOf(c.similarity()).setScale(4, java.math.RoundingMode.HALF_EVEN));
        }
        bool(ps, i++, c.fuzzy());
        bool(ps, i++, c.toolsAgree());
        bool(ps, i, c.finishAgree());
    }

    private static int side(PreparedStatement ps, int i, ShadowAnswer a) throws SQLException {
        ps.setString(i++, a.deployment());
        ps.setString(i++, a.outcome());
        ps.setLong(i++, a.latencyMs());
        ps.setLong(i++, a.promptTokens());
        ps.setLong(i++, a.completionTokens());
        ps.setBigDecimal(i++, a.costUsd());
        ps.setString(i++, a.finishReason());
        return i;
    }

    private static void bool(PreparedStatement ps, int i, Boolean b) throws SQLException {
        if (b == null) {
            ps.setNull(i, Types.BOOLEAN);
        } else {
            ps.setBoolean(i, b);
        }
    }

    private static Row read(ResultSet rs) throws SQLException {
        ShadowAnswer p = side(rs, "primary_");
        ShadowAnswer c = side(rs, "candidate_");
        BigDecimal sim = rs.getBigDecimal("similarity");
        ShadowComparison cmp = new ShadowComparison(bool(rs, "exact_match"), sim == null ? null : sim.doubleValue(),
                bool(rs, "fuzzy_match"), bool(rs, "tools_agree"), bool(rs, "finish_agree"));
        return new Row(rs.getLong("ts_ms"), rs.getString("request_id"), rs.getString("shadow_id"),
                rs.getString("tenant"), rs.getBoolean("stream"), p, c, cmp);
    }

    private static ShadowAnswer side(ResultSet rs, String prefix) throws SQLException {
        return new ShadowAnswer(rs.getString(prefix + "deployment"), rs.getString(prefix + "outcome"),
                rs.getLong(prefix + "latency_ms"), rs.getLong(prefix + "prompt_tokens"),
                rs.getLong(prefix + "completion_tokens"), rs.getBigDecimal(prefix + "cost_usd"),
                rs.getString(prefix + "finish_reason"), null, null);
    }

    private static Boolean bool(ResultSet rs, String col) throws SQLException {
        boolean b = rs.getBoolean(col);
        return rs.wasNull() ? null : b;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(5_000);
    }
}
