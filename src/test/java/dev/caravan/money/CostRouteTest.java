package dev.caravan.money;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cost on every reply, unknown prices, and the ledger agreeing with what clients were told. */
class CostRouteTest extends MoneyTestSupport {

    @BeforeEach
    void clear() {
        stub.reset();
    }

    static String chunk(String delta, String finish) {
        return StubUpstream.data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    static List<String> stream(boolean withUsage) {
        List<String> ev = new ArrayList<>(List.of(chunk("{\"role\":\"assistant\",\"content\":\"a\"}", null),
                chunk("{\"content\":\"b\"}", null), chunk("{}", "stop")));
        if (withUsage) {
            ev.add(StubUpstream.data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":2000,\"completion_tokens\":400,\"total_tokens\":2400,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":1000},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":100}}}"));
        }
        ev.add("data: [DONE]\n\n");
        return ev;
    }

    @Test
    void nonStreamRepliesCarryTheCostInBodyAndHeader() {
        NewKey k = createKey("{\"tenant\":\"cost\"}");
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-2024-08-06", 2000, 400, 1000, 100)));
        HttpResponse<String> r = chatAs(k.secret(), ask("openai/gpt-4o"));
        assertThat(r.statusCode()).isEqualTo(200);
        // gpt-4o: 1000 x 2.5 + 1000 x 1.25 (cached) + 300 x 10 + 100 x 10 (reasoning), per million
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("0.00775");
        assertThat(r.body()).contains("\"cost\":0.00775");
        JsonNode d = json(r.body()).at("/usage/cost_details");
        assertThat(d.get("input").decimalValue()).isEqualByComparingTo("0.0025");
        assertThat(d.get("cache_read").decimalValue()).isEqualByComparingTo("0.00125");
        assertThat(d.get("output").decimalValue()).isEqualByComparingTo("0.003");
        assertThat(d.get("reasoning").decimalValue()).isEqualByComparingTo("0.001");
    }

    @Test
    void theFinalStreamChunkCarriesTheCostAndEveryStreamIsRecorded() {
        NewKey k = createKey("{\"tenant\":\"stream\"}");
        stub.always((req, reply) -> reply.sse(stream(true), 0));
        StreamResult s = streamAs(k.secret(), """
                {"model":"openai/gpt-4o","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}]}""");
        JsonNode last = s.events().get(s.events().size() - 1);
        assertThat(last.at("/usage/cost").decimalValue()).isEqualByComparingTo("0.00775");
        assertThat(last.at("/usage/cost_details/cache_read").decimalValue()).isEqualByComparingTo("0.00125");

        streamAs(k.secret(), "{\"model\":\"openai/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        awaitRows(k.id(), 2);
        assertThat(rows(k.id())).allSatisfy(row -> {
            assertThat(decimal(row.get("cost_usd"))).isEqualByComparingTo("0.00775");
            assertThat(row.get("stream")).isEqualTo(true);
            assertThat(row.get("cached_tokens")).isEqualTo(1000L);
            assertThat(row.get("reasoning_tokens")).isEqualTo(100L);
        });
    }

    @Test
    void aStreamCutShortIsPricedOnWhatWasDelivered() {
        NewKey k = createKey("{\"tenant\":\"cut\"}");
        stub.always((req, reply) -> {
            reply.startStream(200);
            reply.chunk(chunk("{\"role\":\"assistant\",\"content\":\"a\"}", null));
            reply.chunk(chunk("{\"content\":\"b\"}", null));
            reply.chunk(chunk("{\"content\":\"c\"}", null));
            reply.reset();
        });
        streamAs(k.secret(), "{\"model\":\"openai/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hello there\"}]}");
        awaitRows(k.id(), 1);
        Map<String, Object> row = rows(k.id()).get(0);
        assertThat(row.get("usage_estimated")).isEqualTo(true);
        assertThat(row.get("completion_tokens")).isEqualTo(3L);
        assertThat((Long) row.get("prompt_tokens")).isPositive();
        assertThat(decimal(row.get("cost_usd"))).isPositive();
    }

    @Test
    void aModelWithoutAPriceIsServedWithCostNullNeverZero() {
        NewKey k = createKey("{\"tenant\":\"unpriced\"}");
        long unknownBefore = metrics().costUnknown.sum();
        stub.always((req, reply) -> reply.json(200, completion("my-finetune", 10, 5, 0, 0)));
        HttpResponse<String> r = chatAs(k.secret(), ask("openai/my-finetune"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("unknown");
        assertThat(json(r.body()).at("/usage/cost").isNull()).isTrue();
        awaitRows(k.id(), 1);
        assertThat(rows(k.id()).get(0).get("cost_usd")).isNull();
        assertThat(metrics().costUnknown.sum()).isEqualTo(unknownBefore + 1);
        JsonNode m = json(admin("GET", "/admin/spend/metrics", null).body());
        assertThat(m.get("caravan_cost_unknown_total").asLong()).isGreaterThanOrEqualTo(1);
        JsonNode spend = json(admin("GET", "/admin/spend?key=" + k.id(), null).body());
        assertThat(spend.at("/total/unknown_cost_requests").asLong()).isEqualTo(1);
        assertThat(spend.at("/total/requests").asLong()).isEqualTo(1);
    }

    @Test
    void pricesFromConfigModelsYamlApplyWhileTheGatewayRuns() throws Exception {
        NewKey k = createKey("{\"tenant\":\"custom\"}");
        stub.always((req, reply) -> reply.json(200, completion("house-model", 1_000_000, 1_000_000, 0, 0)));
        assertThat(chatAs(k.secret(), ask("vllm/house-model")).headers().firstValue("x-caravan-cost-usd"))
                .hasValue("0");
        Files.writeString(configDir.resolve("models.yaml"), """
                models:
                  - provider: vllm
                    model: house-model
                    prices: {input: 0.2, output: 0.8}
                    source: internal chargeback
                    as_of: 2026-11-01
                """);
        await().atMost(10, TimeUnit.SECONDS).until(() -> "1".equals(chatAs(k.secret(), ask("vllm/house-model"))
                .headers().firstValue("x-caravan-cost-usd").orElse("")));
    }

    @Test
    void theLedgerHoldsExactlyWhatClientsWereCharged() {
        NewKey k = createKey("{\"tenant\":\"sum\"}");
        BigDecimal told = BigDecimal.ZERO;
        for (int i = 1; i <= 25; i++) {
            String body = completion("gpt-4o-mini", 1000L * i + 7, 33L * i, 100L * (i % 3), i % 2);
            stub.next((req, reply) -> reply.json(200, body));
            HttpResponse<String> r = chatAs(k.secret(), ask("openai/gpt-4o-mini"));
            told = told.add(new BigDecimal(r.headers().firstValue("x-caravan-cost-usd").orElseThrow()));
        }
        awaitRows(k.id(), 25);
        BigDecimal recorded = rows(k.id()).stream().map(row -> decimal(row.get("cost_usd")))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(recorded).isEqualByComparingTo(told);
        JsonNode spend = json(admin("GET", "/admin/spend?key=" + k.id(), null).body());
        assertThat(spend.at("/total/cost_usd").decimalValue()).isEqualByComparingTo(told);
    }

    MoneyMetrics metrics() {
        return context.getRegistry().lookupByNameAndType("moneyMetrics", MoneyMetrics.class);
    }

    StreamResult streamAs(String key, String body) {
        try {
            var req = java.net.http.HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<java.util.stream.Stream<String>> resp = http.send(req,
                    HttpResponse.BodyHandlers.ofLines());
            List<Line> lines = new ArrayList<>();
            resp.body().filter(l -> !l.isEmpty()).forEach(l -> lines.add(new Line(l, System.nanoTime())));
            return new StreamResult(null, lines);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<Map<String, Object>> rows(String keyId) {
        return ledger().stream().filter(r -> keyId.equals(r.get("key_id"))).toList();
    }

    void awaitRows(String keyId, int n) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> rows(keyId).size() >= n);
    }
}
