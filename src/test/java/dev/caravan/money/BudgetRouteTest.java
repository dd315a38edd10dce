package dev.caravan.money;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Budgets under 64 concurrent clients: the worst case is reserved before the call, calls that cannot be afforded
 * are refused (429 insufficient_quota) without reaching a provider, and spending overshoots only by what calls
 * in flight cost beyond their reservations.
 */
class BudgetRouteTest extends MoneyTestSupport {

    // gpt-4o-mini: input 0.15, output 0.60 USD per million tokens. A request "hi" is estimated at 10 prompt
    // tokens; with max_tokens 1000 it reserves 10 x 0.15 + 1000 x 0.60 = 0.0006015 USD.
    static final String BODY = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":1000,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final BigDecimal RESERVED = new BigDecimal("0.0006015");

    final ExecutorService clients = Executors.newFixedThreadPool(64);

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.tenants.frugal.budget", "0.003/day");
    }

    @AfterAll
    void stopClients() {
        clients.shutdownNow();
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    @Test
    void reservationsHoldWhile64ClientsAreInFlightAndRefusedCallsNeverReachAProvider() throws Exception {
        NewKey k = createKey("{\"tenant\":\"budget\",\"budget\":\"0.01/day\"}");
        CountDownLatch release = new CountDownLatch(1);
        // every admitted call costs exactly its reservation: 10 prompt + 1000 completion tokens
        stub.always((req, reply) -> {
            release.await(20, TimeUnit.SECONDS);
            reply.json(200, completion("gpt-4o-mini", 10, 1000, 0, 0));
        });
        CompletableFuture<List<HttpResponse<String>>> all = CompletableFuture.supplyAsync(() -> fire(k, 64));
        // 0.01 / 0.0006015 = 16.6: sixteen reservations fit
        await().atMost(20, TimeUnit.SECONDS).until(() -> stub.requests().size() == 16);
        Thread.sleep(200);
        release.countDown();
        List<HttpResponse<String>> rs = all.get(30, TimeUnit.SECONDS);
        assertThat(rs.stream().filter(r -> r.statusCode() == 200)).hasSize(16);
        List<HttpResponse<String>> refused = rs.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(refused).hasSize(48);
        assertThat(stub.requests()).hasSize(16);
        JsonNode err = json(refused.get(0).body()).get("error");
        assertThat(err.get("type").asText()).isEqualTo("insufficient_quota");
        assertThat(err.get("code").asText()).isEqualTo("insufficient_quota");
        assertThat(err.get("message").asText()).contains("key:" + k.id()).contains("0.01/day");

        JsonNode key = json(admin("GET", "/admin/keys/" + k.id(), null).body());
        assertThat(key.at("/spend/spent_usd").decimalValue()).isEqualByComparingTo(RESERVED.multiply(
                BigDecimal.valueOf(16)));
        assertThat(key.at("/spend/reserved_usd").decimalValue()).isZero();
    }

    @Test
    void overshootIsBoundedByWhatInFlightCallsCostBeyondTheirReservations() throws Exception {
        NewKey k = createKey("{\"tenant\":\"budget\",\"budget\":\"0.01/day\"}");
        // the provider ignores max_tokens and bills 1,200 completion tokens: 0.0007215 per call, 0.00012 more
        // than reserved
        stub.always((req, reply) -> {
            Thread.sleep(20);
            reply.json(200, completion("gpt-4o-mini", 10, 1200, 0, 0));
        });
        List<HttpResponse<String>> rs = new ArrayList<>();
        for (int wave = 0; wave < 3; wave++) {
            rs.addAll(fire(k, 64));
        }
        long ok = rs.stream().filter(r -> r.statusCode() == 200).count();
        BigDecimal spent = json(admin("GET", "/admin/keys/" + k.id(), null).body()).at("/spend/spent_usd")
                .decimalValue();
        BigDecimal perCallExcess = new BigDecimal("0.00012");
        assertThat(spent).isEqualByComparingTo(new BigDecimal("0.0007215").multiply(BigDecimal.valueOf(ok)));
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal("0.01").add(perCallExcess.multiply(
                BigDecimal.valueOf(64))));
        assertThat(ok).isLessThan(64 * 3);
        assertThat(chatAs(k.secret(), BODY).statusCode()).isEqualTo(429);
    }

    @Test
    void aTenantBudgetCoversAllItsKeys() {
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 1000, 0, 0)));
        NewKey a = createKey("{\"tenant\":\"frugal\"}");
        NewKey b = createKey("{\"tenant\":\"frugal\"}");
        int ok = 0;
        for (int i = 0; i < 4; i++) {
            ok += chatAs(a.secret(), BODY).statusCode() == 200 ? 1 : 0;
            ok += chatAs(b.secret(), BODY).statusCode() == 200 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(4); // 0.003 / 0.0006015 = 4.98
        assertThat(json(chatAs(b.secret(), BODY).body()).at("/error/message").asText()).contains("tenant:frugal");
    }

    List<HttpResponse<String>> fire(NewKey k, int n) {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return chatAs(k.secret(), BODY);
            }, clients));
        }
        go.countDown();
        return fs.stream().map(CompletableFuture::join).toList();
    }
}
