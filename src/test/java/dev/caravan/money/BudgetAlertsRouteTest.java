package dev.caravan.money;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Budget alerts reach a real HTTP receiver once per threshold and period, retried when it fails. */
class BudgetAlertsRouteTest extends MoneyTestSupport {

    static final String BODY = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final HttpServer RECEIVER;
    static final List<JsonNode> RECEIVED = new CopyOnWriteArrayList<>();
    static final AtomicInteger POSTS = new AtomicInteger();

    static {
        try {
            RECEIVER = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        RECEIVER.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            // the first delivery fails: the alert must be retried
            int status = POSTS.incrementAndGet() == 1 ? 500 : 204;
            if (status == 204) {
                RECEIVED.add(json(new String(body, StandardCharsets.UTF_8)));
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        RECEIVER.start();
    }

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.budget.alert-webhooks", "http://127.0.0.1:" + RECEIVER.getAddress().getPort()
                + "/hook", "caravan.budget.alert-retry-ms", "100");
    }

    @AfterAll
    void stopReceiver() {
        RECEIVER.stop(0);
    }

    @Test
    void eachThresholdFiresOncePerPeriod() {
        NewKey k = createKey("{\"tenant\":\"alerts\",\"budget\":\"0.001/day\"}");
        // each call reserves 10 x 0.15 + 100 x 0.60 per million = 0.0000615 USD and costs
        // 1000 x 0.15 + 250 x 0.60 per million = 0.0003 USD
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 1000, 250, 0, 0)));
        int ok = 0;
        for (int i = 0; i < 6; i++) {
            ok += chatAs(k.secret(), BODY).statusCode() == 200 ? 1 : 0;
        }
        // 0.0003, 0.0006 (50 %), 0.0009 (80 %), 0.0012 (100 %); then the budget is exhausted
        assertThat(ok).isEqualTo(4);
        await().atMost(10, TimeUnit.SECONDS).until(() -> RECEIVED.size() == 3);
        assertThat(RECEIVED).extracting(n -> n.get("threshold_pct").asInt()).containsExactlyInAnyOrder(50, 80, 100);
        JsonNode a = RECEIVED.stream().filter(n -> n.get("threshold_pct").asInt() == 100).findFirst().orElseThrow();
        assertThat(a.get("scope").asText()).isEqualTo("key");
        assertThat(a.get("id").asText()).isEqualTo(k.id());
        assertThat(a.get("budget_usd").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(a.get("spent_usd").decimalValue()).isEqualByComparingTo("0.0012");
        assertThat(a.get("period").asText()).isEqualTo("day");
        assertThat(a.get("text").asText()).contains("100%");
        assertThat(POSTS.get()).isEqualTo(4); // one failed delivery, retried

        // more budget, more spending in the same period: the thresholds already sent stay quiet
        admin("PATCH", "/admin/keys/" + k.id(), "{\"budget\":\"0.002/day\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(chatAs(k.secret(), BODY).statusCode()).isEqualTo(200);
        }
        await().during(1, TimeUnit.SECONDS).atMost(3, TimeUnit.SECONDS).until(() -> RECEIVED.size() == 3);
        assertThat(POSTS.get()).isEqualTo(4);
    }
}
