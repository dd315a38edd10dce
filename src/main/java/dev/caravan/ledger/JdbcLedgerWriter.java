package dev.caravan.ledger;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import dev.caravan.db.Database;

/** Batch inserts into {@code caravan_ledger}: one JDBC batch and one commit per batch of rows. */
public final class JdbcLedgerWriter implements LedgerWriter {

    static final String INSERT = "INSERT INTO caravan_ledger (request_id, ts_ms, usage_day, key_id, tenant, tags, "
            + "model_requested, provider, model_used, deployment, attempts, prompt_tokens, completion_tokens, "
            + "cached_tokens, cache_write_tokens, reasoning_tokens, cost_usd, saved_usd, usage_estimated, "
            + "cache_hit, status, outcome, error_code, stream, latency_ms, ttft_ms, endpoint) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Database db;

    public JdbcLedgerWriter(Database db) {
        this.db = db;
    }

    @Override
    public void write(List<LedgerRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (LedgerRow r : rows) {
                    bind(ps, r);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    private static void bind(PreparedStatement ps, LedgerRow r) throws SQLException {
        int i = 1;
        ps.setString(i++, r.requestId());
        ps.setLong(i++, r.tsMillis());
        ps.setDate(i++, Date.valueOf(LocalDate.ofInstant(Instant.ofEpochMilli(r.tsMillis()), ZoneOffset.UTC)));
        ps.setString(i++, r.keyId());
        ps.setString(i++, cut(r.tenant(), 200));
        ps.setString(i++, cut(r.tags(), 1000));
        ps.setString(i++, cut(r.modelRequested(), 300));
        ps.setString(i++, cut(r.provider(), 100));
        ps.setString(i++, cut(r.modelUsed(), 300));
        ps.setString(i++, cut(r.deployment(), 300));
        ps.setString(i++, cut(r.attempts(), 2000));
        ps.setLong(i++, r.promptTokens());
        ps.setLong(i++, r.completionTokens());
        ps.setLong(i++, r.cachedTokens());
        ps.setLong(i++, r.cacheWriteTokens());
        ps.setLong(i++, r.reasoningTokens());
        ps.setBigDecimal(i++, r.costUsd());
        ps.setBigDecimal(i++, r.savedUsd());
        ps.setBoolean(i++, r.usageEstimated());
        ps.setBoolean(i++, r.cacheHit());
        ps.setInt(i++, r.status());
        ps.setString(i++, r.outcome());
        ps.setString(i++, cut(r.errorCode(), 100));
        ps.setBoolean(i++, r.stream());
        ps.setInt(i++, r.latencyMs());
        if (r.ttftMs() == null) {
            ps.setNull(i++, Types.INTEGER);
        } else {
            ps.setInt(i++, r.ttftMs());
        }
        ps.setString(i, r.endpoint() == null ? "chat" : cut(r.endpoint(), 40));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
