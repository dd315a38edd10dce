package dev.caravan.ledger;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's retention job (route {@code ledger.retention}, bean {@code ledgerRetention}): it rolls up the days
 * older than {@code caravan.ledger.retention-days} and {@code GET /admin/spend} answers the same before and after.
 */
class LedgerRetentionRouteTest extends MoneyTestSupport {

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.ledger.retention-days", "5", "caravan.ledger.retention-delay-ms", "100",
                "caravan.ledger.retention-check-ms", "600000");
    }

    @Test
    void theJobRollsUpOldDaysAndTheSpendApiAnswersTheSame() throws Exception {
        context.getRouteController().stopRoute("ledger.retention");
        new JdbcLedgerWriter(database()).write(LedgerRetentionTest.rows(2_000, 7, TODAY.minusDays(30), 31));
        long cutoff = LedgerRetention.startMs(TODAY.minusDays(5));
        assertThat(oldRows(cutoff)).isGreaterThan(1_000);
        String range = "since=" + TODAY.minusDays(40) + "&until=" + TODAY.plusDays(1);
        List<String> queries = List.of("/admin/spend?" + range, "/admin/spend?by=key,model&" + range,
                "/admin/spend?by=day&" + range, "/admin/spend?by=tenant,tags,deployment,provider&" + range,
                "/admin/spend?by=model&tenant=acme&" + range, "/admin/spend?by=day&key=k2&" + range);
        Map<String, Object> before = answers(queries);

        context.getRouteController().startRoute("ledger.retention");
        await().atMost(20, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS)
                .until(() -> oldRows(cutoff) == 0);

        assertThat(count("SELECT COUNT(*) FROM caravan_ledger_daily")).isPositive();
        assertThat(count("SELECT COUNT(*) FROM caravan_ledger_daily WHERE usage_day >= DATE '"
                + TODAY.minusDays(5) + "'")).isZero();
        assertThat(answers(queries)).isEqualTo(before);
    }

    /** Each query's total and its groups as a set (groups of equal cost may come in any order). */
    private Map<String, Object> answers(List<String> queries) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (String q : queries) {
            var r = admin("GET", q, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode n = json(r.body());
            out.put(q + " total", n.get("total").toString());
            Set<String> groups = new HashSet<>();
            n.get("data").forEach(g -> groups.add(g.toString()));
            out.put(q + " data", groups);
        }
        return out;
    }

    private long oldRows(long cutoff) {
        return count("SELECT COUNT(*) FROM caravan_ledger WHERE ts_ms < " + cutoff);
    }

    private long count(String sql) {
        try (var c = database().connection(); var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
