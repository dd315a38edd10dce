package dev.caravan.cache;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The exact-match response cache: opt-in, HIT/MISS, never shared between tenants, hits cost 0. */
class ResponseCacheRouteTest extends MoneyTestSupport {

    static final String Q = "{\"model\":\"openai/gpt-4o-mini\",\"temperature\":0,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}";

    @BeforeEach
    void answer() {
        stub.reset();
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 1000, 500, 0, 0)));
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheAtNoCost() {
        NewKey k = createKey("{\"tenant\":\"c1\"}");
        HttpResponse<String> first = chatAs(k.secret(), Q, "x-caravan-cache", "use");
        assertThat(first.headers().firstValue("x-caravan-cache")).hasValue("MISS");
        // 1000 x 0.15 + 500 x 0.60 per million
        assertThat(first.headers().firstValue("x-caravan-cost-usd")).hasValue("0.00045");
        HttpResponse<String> second = chatAs(k.secret(), Q, "x-caravan-cache", "use");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("HIT");
        assertThat(second.headers().firstValue("x-caravan-cost-usd")).hasValue("0");
        assertThat(second.headers().firstValue("x-caravan-provider")).hasValue("openai");
        assertThat(json(second.body()).at("/usage/cost_details/saved").decimalValue()).isEqualByComparingTo(
                "0.00045");
        assertThat(json(second.body()).at("/choices/0/message/content").asText()).isEqualTo("ok");
        assertThat(json(second.body()).get("id")).isEqualTo(json(first.body()).get("id"));
        assertThat(stub.requests()).hasSize(1);

        await().atMost(10, TimeUnit.SECONDS).until(() -> rows(k.id()).size() == 2);
        Map<String, Object> hit = rows(k.id()).stream().filter(r -> Boolean.TRUE.equals(r.get("cache_hit")))
                .findFirst().orElseThrow();
        assertThat(decimal(hit.get("cost_usd"))).isZero();
        assertThat(decimal(hit.get("saved_usd"))).isEqualByComparingTo("0.00045");
        var spend = json(admin("GET", "/admin/spend?key=" + k.id(), null).body());
        assertThat(spend.at("/total/saved_usd").decimalValue()).isEqualByComparingTo("0.00045");
        assertThat(spend.at("/total/cache_hits").asLong()).isEqualTo(1);
    }

    /** A reply kept as the provider's bytes reaches the cache with a key it repeated; the hit still answers. */
    @Test
    void anAnswerWithARepeatedKeyIsServedFromTheCache() throws Exception {
        String reply = completion("gpt-4o-mini", 1000, 500, 0, 0);
        stub.always((req, r) -> r.json(200, "{\"system_fingerprint\":\"fp_a\"," + reply.substring(1)
                .replaceFirst("\\}\\s*$", ",\"system_fingerprint\":\"fp_b\"}")));
        NewKey k = createKey("{\"tenant\":\"c2\"}");
        HttpResponse<String> first = chatAs(k.secret(), Q, "x-caravan-cache", "use");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("fp_a").contains("fp_b");
        HttpResponse<String> second = chatAs(k.secret(), Q, "x-caravan-cache", "use");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("HIT");
        // the answer as the provider sent it, like the first call's; a JSON reader that keeps the last of a
        // repeated key reads it
        assertThat(second.body()).contains("\"system_fingerprint\":\"fp_a\"")
                .contains("\"system_fingerprint\":\"fp_b\"");
        JsonNode hit = Json.REPLIES.readTree(second.body());
        assertThat(hit.path("system_fingerprint").asText()).isEqualTo("fp_b");
        assertThat(hit.at("/choices/0/message/content").asText()).isEqualTo("ok");
        assertThat(hit.at("/usage/cost").decimalValue()).isZero();
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void tenantsNeverShareAnEntry() {
        NewKey a = createKey("{\"tenant\":\"tenant-a\",\"cache\":true}");
        NewKey a2 = createKey("{\"tenant\":\"tenant-a\",\"cache\":true}");
        NewKey b = createKey("{\"tenant\":\"tenant-b\",\"cache\":true}");
        String q = Q.replace("2+2", "3+3");
        assertThat(chatAs(a.secret(), q).headers().firstValue("x-caravan-cache")).hasValue("MISS");
        assertThat(chatAs(b.secret(), q).headers().firstValue("x-caravan-cache")).hasValue("MISS");
        assertThat(chatAs(a2.secret(), q).headers().firstValue("x-caravan-cache")).hasValue("HIT");
        assertThat(chatAs(b.secret(), q).headers().firstValue("x-caravan-cache")).hasValue("HIT");
        assertThat(stub.requests()).hasSize(2);
    }

    @Test
    void theCacheIsOptInAndExact() {
        NewKey k = createKey("{\"tenant\":\"c3\"}");
        String q = Q.replace("2+2", "4+4");
        HttpResponse<String> plain = chatAs(k.secret(), q);
        assertThat(plain.headers().firstValue("x-caravan-cache")).isEmpty();
        chatAs(k.secret(), q, "x-caravan-cache", "use");
        assertThat(chatAs(k.secret(), q.replace("\"temperature\":0", "\"temperature\":1"), "x-caravan-cache", "use")
                .headers().firstValue("x-caravan-cache")).hasValue("MISS");
        NewKey keyed = createKey("{\"tenant\":\"c3\",\"cache\":true}");
        assertThat(chatAs(keyed.secret(), q, "x-caravan-cache", "skip").headers().firstValue("x-caravan-cache"))
                .isEmpty();
        // streams are never cached
        StreamResult s = streamWith(keyed.secret());
        assertThat(s.lines()).isNotEmpty();
        assertThat(stub.requests()).hasSize(5);
    }

    StreamResult streamWith(String key) {
        stub.always((req, reply) -> reply.sse(List.of("data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
                + "\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n"), 0));
        try {
            var req = java.net.http.HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Q.replace("\"temperature\":0",
                            "\"stream\":true"))).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("x-caravan-cache")).isEmpty();
            return new StreamResult(null, r.body().lines().filter(l -> !l.isEmpty())
                    .map(l -> new Line(l, System.nanoTime())).toList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<Map<String, Object>> rows(String keyId) {
        return ledger().stream().filter(r -> keyId.equals(r.get("key_id"))).toList();
    }
}
