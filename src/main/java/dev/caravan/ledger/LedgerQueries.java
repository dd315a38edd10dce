package dev.caravan.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.caravan.db.Database;

/** Reads the ledger: spend reports for the admin API and spend since a date for budget counters. */
public final class LedgerQueries {

    /** Grouping names of the spend API → ledger columns. */
    public static final Map<String, String> GROUPS = Map.of("key", "key_id", "tenant", "tenant", "model",
            "model_requested", "provider", "provider", "deployment", "deployment", "day", "usage_day", "tags", "tags");

    /** The spend measures, summed over {@link #ROWS}. */
    private static final String MEASURES = "COALESCE(SUM(m_calls), 0) AS requests, "
            + "COALESCE(SUM(m_cost), 0) AS total_cost, COALESCE(SUM(m_unpriced), 0) AS unknown_cost, "
            + "COALESCE(SUM(m_saved), 0) AS total_saved, COALESCE(SUM(m_prompt), 0) AS prompt, "
            + "COALESCE(SUM(m_completion), 0) AS completion, COALESCE(SUM(m_hits), 0) AS hits, "
            + "COALESCE(SUM(m_errors), 0) AS errors";
    private static final String GROUP_COLUMNS = "key_id, tenant, tags, model_requested, provider, deployment, "
            + "usage_day";
    /**
     * Detailed rows of {@code [since, until)} and rolled-up days whose start lies in that range (retention,
     * {@link LedgerRetention}), as one row set with the same measures; {@code %s} are the filters of each side.
     */
    private static final String ROWS = "(SELECT " + GROUP_COLUMNS + ", 1 AS m_calls, cost_usd AS m_cost, "
            + "CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END AS m_unpriced, saved_usd AS m_saved, "
            + "prompt_tokens AS m_prompt, completion_tokens AS m_completion, "
            + "CASE WHEN cache_hit THEN 1 ELSE 0 END AS m_hits, CASE WHEN status >= 400 THEN 1 ELSE 0 END AS m_errors "
            + "FROM caravan_ledger WHERE ts_ms >= ? AND ts_ms < ?%s"
            + " UNION ALL SELECT " + GROUP_COLUMNS + ", requests, cost_usd, unknown_cost_requests, saved_usd, "
            + "prompt_tokens, completion_tokens, cache_hits, errors FROM caravan_ledger_daily "
            + "WHERE usage_day >= ? AND usage_day < ?%s) spend_rows";

    private final Database db;

    public LedgerQueries(Database db) {
        this.db = db;
    }

    /**
     * Spend of {@code key:<id>} or {@code tenant:<name>} since the start of {@code from} (UTC), in 10^-10 USD:
     * detailed rows and rolled-up days.
     */
    public long spentSince(String scope, LocalDate from) {
        int colon = scope.indexOf(':');
        String column = scope.startsWith("key:") ? "key_id" : "tenant";
        String sql = "SELECT (SELECT COALESCE(SUM(cost_usd), 0) FROM caravan_ledger WHERE " + column
                + " = ? AND ts_ms >= ?) + (SELECT COALESCE(SUM(cost_usd), 0) FROM caravan_ledger_daily WHERE "
                + column + " = ? AND usage_day >= ?)";
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            String name = scope.substring(colon + 1);
            ps.setString(1, name);
            ps.setLong(2, from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
            ps.setString(3, name);
            ps.setDate(4, java.sql.Date.valueOf(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return dev.caravan.money.Money.units(rs.getBigDecimal(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger: " + e.getMessage(), e);
        }
    }

    /** Totals and groups for {@code [since, until)}, optionally for one tenant and/or key. */
    public SpendReport spend(List<String> by, Instant since, Instant until, String tenant, String keyId)
            throws SQLException {
        List<String> cols = new ArrayList<>();
        for (String b : by) {
            String col = GROUPS.get(b);
            if (col == null) {
                throw new IllegalArgumentException("cannot group by '" + b + "'; use " + GROUPS.keySet());
            }
            cols.add(col);
        }
        StringBuilder filters = new StringBuilder();
        List<Object> filterArgs = new ArrayList<>();
        if (tenant != null) {
            filters.append(" AND tenant = ?");
            filterArgs.add(tenant);
        }
        if (keyId != null) {
            filters.append(" AND key_id = ?");
            filterArgs.add(keyId);
        }
        List<Object> args = new ArrayList<>(List.of(since.toEpochMilli(), until.toEpochMilli()));
        args.addAll(filterArgs);
        args.add(java.sql.Date.valueOf(firstDayFrom(since)));
        args.add(java.sql.Date.valueOf(firstDayFrom(until)));
        args.addAll(filterArgs);
        String where = " FROM " + String.format(ROWS, filters, filters);
        try (Connection c = db.connection()) {
            SpendReport.Line total = query(c, "SELECT " + MEASURES + where, args, List.of(), List.of()).get(0);
            List<SpendReport.Line> rows = cols.isEmpty() ? List.of()
                    : query(c, "SELECT " + String.join(", ", cols) + ", " + MEASURES + where + " GROUP BY "
                            + String.join(", ", cols) + " ORDER BY total_cost DESC, requests DESC", args, by, cols);
            return new SpendReport(List.copyOf(by), since, until, total, rows);
        }
    }

    /** The first UTC day starting at or after {@code t}: a rolled-up day is in a range when its start is. */
    static LocalDate firstDayFrom(Instant t) {
        LocalDate d = LocalDate.ofInstant(t, ZoneOffset.UTC);
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().equals(t) ? d : d.plusDays(1);
    }

    private static List<SpendReport.Line> query(Connection c, String sql, List<Object> args, List<String> names,
            List<String> cols) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<SpendReport.Line> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> group = new LinkedHashMap<>();
                    for (int i = 0; i < cols.size(); i++) {
                        Object v = cols.get(i).equals("usage_day") ? rs.getObject(i + 1, LocalDate.class)
                                : rs.getString(i + 1);
                        group.put(names.get(i), v == null ? null : v.toString());
                    }
                    out.add(new SpendReport.Line(group, rs.getLong("requests"), decimal(rs, "total_cost"),
                            rs.getLong("unknown_cost"), decimal(rs, "total_saved"), rs.getLong("prompt"),
                            rs.getLong("completion"), rs.getLong("hits"), rs.getLong("errors")));
                }
            }
            return out;
        }
    }

    private static BigDecimal decimal(ResultSet rs, String col) throws SQLException {
        BigDecimal v = rs.getBigDecimal(col);
        return v == null ? BigDecimal.ZERO : v.setScale(dev.caravan.catalog.Cost.SCALE);
    }
}
