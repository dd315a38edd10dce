package dev.caravan.money;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RPM and TPM of keys and tenants under 64 concurrent clients: exact counts, OpenAI's 429 and headers. */
class RateLimitRouteTest extends MoneyTestSupport {

    final ExecutorService clients = Executors.newFixedThreadPool(64);

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.tenants.shared.rpm", "5");
    }

    @AfterAll
    void stopClients() {
        clients.shutdownNow();
    }

    @BeforeEach
    void answer() {
        stub.reset();
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 50, 50, 0, 0)));
    }

    List<HttpResponse<String>> concurrently(int n, Supplier<HttpResponse<String>> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return call.get();
            }, clients));
        }
        go.countDown();
        List<HttpResponse<String>> out = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : fs) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    static long count(List<HttpResponse<String>> rs, int status) {
        return rs.stream().filter(r -> r.statusCode() == status).count();
    }

    @Test
    void requestsPerMinuteAreExactUnder64ConcurrentClients() throws Exception {
        NewKey k = createKey("{\"tenant\":\"rpm\",\"rpm\":20}");
        List<HttpResponse<String>> rs = concurrently(64, () -> chatAs(k.secret(), ask("openai/gpt-4o-mini")));
        assertThat(count(rs, 200)).isEqualTo(20);
        assertThat(count(rs, 429)).isEqualTo(44);
        assertThat(stub.requests()).hasSize(20);
        HttpResponse<String> refused = rs.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(json(refused.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(json(refused.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.headers().firstValue("x-ratelimit-limit-requests")).hasValue("20");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(refused.headers().firstValue("x-ratelimit-reset-requests")).hasValueSatisfying(
                v -> assertThat(v).matches("\\d+(\\.\\d+)?s|\\d+ms"));
        assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
        HttpResponse<String> ok = rs.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("20");
    }

    @Test
    void tokensPerMinuteHoldWhileCallsAreInFlight() throws Exception {
        // each call reserves its prompt estimate (10) + max_tokens (100) = 110 tokens and uses 100
        NewKey k = createKey("{\"tenant\":\"tpm\",\"tpm\":5000}");
        CountDownLatch release = new CountDownLatch(1);
        stub.always((req, reply) -> {
            release.await(20, TimeUnit.SECONDS);
            reply.json(200, completion("gpt-4o-mini", 50, 50, 0, 0));
        });
        String body = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<List<HttpResponse<String>>> all = CompletableFuture.supplyAsync(() -> {
            try {
                return concurrently(64, () -> {
                    HttpResponse<String> r = chatAs(k.secret(), body);
                    answered.incrementAndGet();
                    return r;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // every call has been admitted or refused before the first settles (a call sent after the release could
        // use the tokens freed by settlement, which is correct but not what this test counts)
        org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS)
                .until(() -> stub.requests().size() == 45 && answered.get() == 19);
        release.countDown();
        List<HttpResponse<String>> rs = all.get(30, TimeUnit.SECONDS);
        assertThat(count(rs, 200)).isEqualTo(45); // 45 x 110 = 4950 <= 5000 < 46 x 110
        assertThat(count(rs, 429)).isEqualTo(19);
        HttpResponse<String> refused = rs.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(refused.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("5000");
        assertThat(json(refused.body()).at("/error/message").asText()).contains("tokens");
        // settled to the real usage (100 each): 500 tokens are free again for this minute
        HttpResponse<String> after = chatAs(k.secret(), body);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(Long.parseLong(after.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow()))
                .isEqualTo(5000 - 45 * 100 - 110);
    }

    @Test
    void aTenantLimitCoversAllItsKeys() {
        NewKey a = createKey("{\"tenant\":\"shared\"}");
        NewKey b = createKey("{\"tenant\":\"shared\"}");
        int ok = 0;
        for (int i = 0; i < 4; i++) {
            ok += chatAs(a.secret(), ask("openai/gpt-4o-mini")).statusCode() == 200 ? 1 : 0;
            ok += chatAs(b.secret(), ask("openai/gpt-4o-mini")).statusCode() == 200 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(5);
        HttpResponse<String> r = chatAs(b.secret(), ask("openai/gpt-4o-mini"));
        assertThat(json(r.body()).at("/error/message").asText()).contains("tenant:shared");
    }
}
