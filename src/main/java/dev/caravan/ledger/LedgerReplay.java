package dev.caravan.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.caravan.catalog.PriceCatalog;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.routing.RoutePlan;
import dev.caravan.routing.RoutingFile;

/**
 * Cost replay: the ledger's calls of a period re-priced as if another routing file (and price catalog) had been in
 * force. Each row keeps its recorded tokens (another model would have counted them a little differently: the
 * replay does not guess) and is priced at the rates in force at the call's time. A response-cache hit costs 0 either
 * way. Nothing is called.
 */
public final class LedgerReplay {

    /**
     * One tenant and model (or the total).
     *
     * @param didUsd     what the calls cost, as recorded (unpriced calls count 0)
     * @param wouldUsd   what they would have cost (unroutable and unpriced calls count 0)
     * @param deltaUsd   would minus did, over the calls where both are known
     * @param unroutable calls the candidate routing file cannot route
     * @param unpriced   routable calls whose recorded or would-be cost is unknown (a model without a price)
     * @param wouldGoTo  where the candidate file sends these calls (distinct plans)
     */
    public record Line(String tenant, String model, long calls, BigDecimal didUsd, BigDecimal wouldUsd,
            BigDecimal deltaUsd, long unroutable, long unpriced, List<String> wouldGoTo) {
    }

    public record Result(Instant from, Instant until, List<Line> lines, Line total) {
    }

    private static final String SQL = "SELECT ts_ms, key_id, tenant, model_requested, prompt_tokens, "
            + "completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_usd, cache_hit, stream, "
            + "endpoint FROM caravan_ledger WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms";

    private LedgerReplay() {
    }

    public static Result run(Connection c, Instant from, Instant until, RoutingFile routing, PriceCatalog catalog)
            throws SQLException {
        Map<List<String>, Acc> groups = new TreeMap<>((a, b) -> {
            int t = a.get(0).compareTo(b.get(0));
            return t != 0 ? t : a.get(1).compareTo(b.get(1));
        });
        Acc total = new Acc();
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, until.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String tenant = rs.getString("tenant");
                    String model = rs.getString("model_requested");
                    Acc g = groups.computeIfAbsent(List.of(tenant == null ? "-" : tenant, model == null ? "-" : model),
                            k -> new Acc());
                    replay(rs, routing, catalog, g, total);
                }
            }
        }
        List<Line> lines = new ArrayList<>();
        groups.forEach((k, a) -> lines.add(a.line(k.get(0), k.get(1))));
        return new Result(from, until, lines, total.line("TOTAL", ""));
    }

    private static void replay(ResultSet rs, RoutingFile routing, PriceCatalog catalog, Acc g, Acc total)
            throws SQLException {
        Instant at = Instant.ofEpochMilli(rs.getLong("ts_ms"));
        BigDecimal did = rs.getBigDecimal("cost_usd");
        long prompt = rs.getLong("prompt_tokens");
        RoutingFile.Call call = new RoutingFile.Call(rs.getString("model_requested"), rs.getString("tenant"),
                rs.getString("key_id"), rs.getBoolean("stream"), rs.getString("endpoint"), prompt);
        RoutePlan plan = routing.resolve(call);
        BigDecimal would;
        boolean unroutable = plan instanceof RoutePlan.Unroutable;
        if (rs.getBoolean("cache_hit")) {
            would = BigDecimal.ZERO;
        } else if (unroutable) {
            would = null;
        } else {
            TokenCounts t = new TokenCounts(prompt, rs.getLong("cached_tokens"), rs.getLong("cache_write_tokens"), 0,
                    rs.getLong("completion_tokens"), rs.getLong("reasoning_tokens"), 0);
            would = plan.cost(catalog, t, at);
        }
        for (Acc a : new Acc[] {g, total}) {
            a.add(did, would, unroutable, plan.describe());
        }
    }

    private static final class Acc {
        long calls;
        BigDecimal did = BigDecimal.ZERO;
        BigDecimal would = BigDecimal.ZERO;
        BigDecimal delta = BigDecimal.ZERO;
        long unroutable;
        long unpriced;
        final Set<String> plans = new LinkedHashSet<>();

        void add(BigDecimal d, BigDecimal w, boolean unroutableRow, String plan) {
            calls++;
            if (d != null) {
                did = did.add(d);
            }
            if (unroutableRow) {
                unroutable++;
            } else if (d == null || w == null) {
                unpriced++;
            }
            if (w != null) {
                would = would.add(w);
            }
            if (d != null && w != null) {
                delta = delta.add(w.subtract(d));
            }
            if (plans.size() < 20) {
                plans.add(plan);
            }
        }

        Line line(String tenant, String model) {
            return new Line(tenant, model, calls, did, would, delta, unroutable, unpriced, List.copyOf(plans));
        }
    }
}
