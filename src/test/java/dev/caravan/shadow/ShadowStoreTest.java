package dev.caravan.shadow;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import dev.caravan.api.Json;
import dev.caravan.db.Database;

import static org.assertj.core.api.Assertions.assertThat;

/** The shadow table on H2 (migrated by Flyway): rows written off the caller's thread, cut to the newest max-rows. */
class ShadowStoreTest {

    static ShadowStore.Row row(long ts) {
        ShadowAnswer p = new ShadowAnswer("p", "ok", 10, 20, 8, new BigDecimal("0.000104"), "stop", "a", List.of());
        ShadowAnswer c = ShadowAnswer.failed("c", "503", 5);
        return new ShadowStore.Row(ts, "req-" + ts, "s", "acme", false, p, c, ShadowComparison.of(p, c));
    }

    @Test
    void keepsTheNewestRowsUpToTheCap() throws Exception {
        keepsTheNewestRows("jdbc:h2:mem:shadow-store;DB_CLOSE_DELAY=-1");
    }

    /** The same on PostgreSQL ({@code CARAVAN_TEST_POSTGRES_URL}), in a schema of its own, dropped afterwards. */
    @Test
    @EnabledIfEnvironmentVariable(named = "CARAVAN_TEST_POSTGRES_URL", matches = ".+")
    void keepsTheNewestRowsUpToTheCapOnPostgres() throws Exception {
        String base = System.getenv("CARAVAN_TEST_POSTGRES_URL");
        String schema = "caravan_shadow_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        try {
            keepsTheNewestRows(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        } finally {
            try (Connection c = DriverManager.getConnection(base)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void keepsTheNewestRows(String url) throws Exception {
        try (Database db = new Database(url, "", "", 2)) {
            ShadowStore store = new ShadowStore(db, 3, 100);
            for (long ts = 1; ts <= 5; ts++) {
                assertThat(store.add(row(ts))).isTrue();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<ShadowStore.Row> rows = store.rows(0);
            while (rows.isEmpty() || rows.get(rows.size() - 1).tsMs() != 5) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
                rows = store.rows(0);
            }
            store.close();
            assertThat(rows).extracting(ShadowStore.Row::tsMs).containsExactly(3L, 4L, 5L);
            ShadowStore.Row r = rows.get(0);
            assertThat(r.primary().costUsd()).isEqualByComparingTo("0.000104");
            assertThat(r.candidate().outcome()).isEqualTo("503");
            assertThat(r.comparison().exact()).isNull();
            assertThat(store.rows(5)).hasSize(1);
        }
    }

    @Test
    void aShadowStepRefusesASampleOutsideZeroToOneAndACandidateThatIsNotAnEndpoint() {
        ShadowTap tap = new ShadowTap();
        tap.setSample(0);
        tap.setSample(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tap.setSample(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 0 and 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tap.setSample(-0.1))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tap.setCandidate("llama-70b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct:");
    }

    @Test
    void comparisonMeasures() throws Exception {
        assertThat(ShadowComparison.jaccard("The capital of France is Paris.", "the capital of france is paris"))
                .isEqualTo(1.0);
        assertThat(ShadowComparison.jaccard("a b c d e", "a b c d")).isEqualTo(0.8);
        assertThat(ShadowComparison.jaccard("a b c d e f", "a b c d")).isLessThan(0.8);
        var args = Json.MAPPER.readTree("{\"city\":\"Paris\",\"unit\":\"c\"}");
        var same = Json.MAPPER.readTree("{ \"unit\": \"c\", \"city\": \"Paris\" }");
        assertThat(ShadowComparison.toolsAgree(List.of(new ShadowAnswer.ToolCallView("w", args)),
                List.of(new ShadowAnswer.ToolCallView("w", same)))).isTrue();
        assertThat(ShadowComparison.toolsAgree(List.of(new ShadowAnswer.ToolCallView("w", args)),
                List.of(new ShadowAnswer.ToolCallView("x", same)))).isFalse();
        assertThat(ShadowReport.percentile(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 50)).isEqualTo(5L);
        assertThat(ShadowReport.percentile(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), 95)).isEqualTo(10L);
    }
}
