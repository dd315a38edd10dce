package dev.caravan.ops;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The money side on the operations plane, with the ledger in a database reached over the network (an H2 TCP
 * server that the test stops and starts): its counters, the ledger's queue depth and labelled cache hits on
 * {@code /metrics}, the gateway's own price in the cost metric, and {@code /ready} following the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerOpsTest extends MoneyTestSupport {

    static final int DB_PORT = freePort();
    static Server db = startDb();

    static Server startDb() {
        try {
            return Server.createTcpServer("-tcpPort", Integer.toString(DB_PORT), "-ifNotExists").start();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.ledger.jdbc-url",
                "jdbc:h2:tcp://127.0.0.1:" + DB_PORT + "/mem:ledger-ops-" + DB_PORT + ";DB_CLOSE_DELAY=-1");
    }

    @AfterAll
    static void stopDb() {
        db.stop();
    }

    @BeforeEach
    void answer() {
        stub.reset();
        // the provider reports a cost of its own (OpenRouter does): the gateway's price must win
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 1000, 500, 0, 0)
                .replace("\"total_tokens\":1500,", "\"total_tokens\":1500,\"cost\":9.99,")));
    }

    PrometheusText scrape() {
        HttpResponse<String> r = adminGet("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return new PrometheusText(r.body());
    }

    @Test
    @Order(1)
    void moneyCountersCacheHitsAndTheLedgerQueueAreOnMetrics() throws Exception {
        NewKey k = createKey("{\"tenant\":\"opsmetrics\"}");
        String q = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"metrics?\"}]}";
        PrometheusText before = scrape();
        assertThat(chatAs(k.secret(), q, "x-caravan-cache", "use").headers().firstValue("x-caravan-cache"))
                .hasValue("MISS");
        assertThat(chatAs(k.secret(), q, "x-caravan-cache", "use").headers().firstValue("x-caravan-cache"))
                .hasValue("HIT");
        assertThat(MetricsTest.waitFor(() -> MetricsTest.delta(before, scrape(), "caravan_ledger_written_total") >= 2))
                .as("ledger rows written, counted on /metrics").isTrue();
        PrometheusText after = scrape();
        assertThat(MetricsTest.delta(before, after, "caravan_cache_hits_total", "tenant", "opsmetrics",
                "model", "openai/gpt-4o-mini")).isEqualTo(1.0);
        assertThat(MetricsTest.delta(before, after, "caravan_cache_misses_total", "tenant", "opsmetrics"))
                .isEqualTo(1.0);
        assertThat(MetricsTest.delta(before, after, "caravan_ledger_queued_total")).isEqualTo(2.0);
        // 1000 x 0.15 + 500 x 0.60 USD per million for the miss; the hit costs nothing; the upstream's 9.99 is ignored
        assertThat(MetricsTest.delta(before, after, "caravan_cost_usd_total", "tenant", "opsmetrics"))
                .isCloseTo(0.00045, MetricsTest.within());
        assertThat(after.samples()).anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("caravan_queue_depth");
            assertThat(s.labels()).containsEntry("queue", "ledger");
        });
        assertThat(after.sum("caravan_queue_depth", "queue", "ledger")).isZero();
        assertThat(after.text()).contains("caravan_cost_unknown_total", "caravan_rate_limited_requests_total",
                "caravan_budget_refused_total");
    }

    @Test
    @Order(2)
    void readyFollowsTheLedgerDatabase() throws Exception {
        HttpResponse<String> up = adminGet("/ready?full");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(json(up.body()).findValuesAsText("id")).contains("ledger");

        db.stop();
        try {
            assertThat(waitUpTo15s(() -> adminGet("/ready").statusCode() == 503))
                    .as("not ready while the ledger database is down").isTrue();
            JsonNode down = json(adminGet("/ready").body());
            assertThat(down.get("status").asText()).isEqualTo("DOWN");
            assertThat(down.findValuesAsText("id")).contains("ledger");
            assertThat(down.toString()).contains("database");
            assertThat(adminGet("/health").statusCode()).as("still alive").isEqualTo(200);
        } finally {
            db = startDb();
        }
        assertThat(waitUpTo15s(() -> adminGet("/ready").statusCode() == 200))
                .as("ready again once the database is back: %s", adminGet("/ready").body()).isTrue();
    }

    /** A down database is noticed within the probe's 2 s; a pool that was refused may take its 5 s to recover. */
    static boolean waitUpTo15s(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
