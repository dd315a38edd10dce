package dev.caravan.ledger;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One ledger row per call: after a burst of concurrent calls (answers, streams, errors), and after a graceful stop
 * while calls are still in flight. Runs on the embedded H2 database; {@link LedgerPostgresRouteTest} runs the same
 * on PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerRouteTest extends MoneyTestSupport {

    final ExecutorService clients = Executors.newFixedThreadPool(64);
    int sent;

    @AfterAll
    void stopClients() {
        clients.shutdownNow();
    }

    /** A connection to the ledger's database that works after the gateway stopped. */
    protected Connection openLedgerDatabase() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("caravan"));
    }

    @Test
    @Order(1)
    void aBurstOfCallsLeavesOneRowEach() throws Exception {
        NewKey k = createKey("{\"tenant\":\"burst\"}");
        stub.always((req, reply) -> {
            if (req.body().contains("\"stream\":true")) {
                reply.sse(List.of(dev.caravan.testing.StubUpstream.data("{\"id\":\"s\",\"object\":"
                        + "\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}"),
                        dev.caravan.testing.StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
                                + "\"completion_tokens\":1,\"total_tokens\":4}}"), "data: [DONE]\n\n"), 0);
            } else {
                reply.json(200, completion("gpt-4o-mini", 12, 3, 0, 0));
            }
        });
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String body = switch (i % 3) {
                case 0 -> ask("openai/gpt-4o-mini");
                case 1 -> "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}";
                default -> ask("nosuchprovider/model"); // 404, still a call of this key
            };
            fs.add(CompletableFuture.supplyAsync(() -> chatAs(k.secret(), body), clients));
        }
        long ok = fs.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        assertThat(ok).isEqualTo(200);
        sent += 300;
        await().atMost(10, TimeUnit.SECONDS).until(() -> rowsOf(k.id()) == 300);
        Thread.sleep(700); // no duplicates trickle in
        assertThat(rowsOf(k.id())).isEqualTo(300);
        List<java.util.Map<String, Object>> errors = ledger().stream()
                .filter(r -> k.id().equals(r.get("key_id")) && ((Number) r.get("status")).intValue() == 404).toList();
        assertThat(errors).hasSize(100).allSatisfy(r -> {
            assertThat(r.get("error_code")).isEqualTo("model_not_found");
            assertThat(decimal(r.get("cost_usd"))).isZero();
        });
    }

    @Test
    @Order(2)
    void aGracefulStopWritesEveryPendingRow() throws Exception {
        NewKey k = createKey("{\"tenant\":\"stop\"}");
        stub.reset();
        stub.always((req, reply) -> {
            Thread.sleep(400);
            reply.json(200, completion("gpt-4o-mini", 12, 3, 0, 0));
        });
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            fs.add(CompletableFuture.supplyAsync(() -> chatAs(k.secret(), ask("openai/gpt-4o-mini")), clients));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> stub.requests().size() >= 40);
        context.stop(); // graceful: in-flight calls finish, queued rows are written
        long ok = fs.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        assertThat(ok).isEqualTo(40);
        sent += 40;
        try (Connection c = openLedgerDatabase(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM caravan_ledger WHERE key_id = '" + k.id() + "' OR tenant = 'burst'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(sent);
        }
    }

    long rowsOf(String keyId) {
        return ledger().stream().filter(r -> keyId.equals(r.get("key_id"))).count();
    }
}
