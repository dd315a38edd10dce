package dev.caravan.state;

import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis unreachable (nothing listens on its port) under {@code fail-closed}: calls that need limits or budgets get
 * a 503 in OpenAI's shape that says the shared state is unreachable, quickly and without the server's password;
 * calls that need neither are served; {@code /ready} is down.
 */
class RedisFailClosedRouteTest extends MoneyTestSupport {

    static final String PASSWORD = "redis-pass-7f3e9a1c";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.state.redis-url", "redis://:" + PASSWORD + "@127.0.0.1:" + freePort(),
                "caravan.state.redis-failure", "fail-closed", "caravan.state.redis-prefix", TestRedis.freshPrefix());
    }

    @Test
    void limitedCallsAreRefusedWith503AndUnlimitedOnesAreServed() {
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 5, 0, 0)));
        NewKey limited = createKey("{\"tenant\":\"closed\",\"rpm\":100}");
        long t0 = System.nanoTime();
        HttpResponse<String> r = chatAs(limited.secret(), ask("openai/gpt-4o-mini"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        JsonNode err = json(r.body()).get("error");
        assertThat(err.get("type").asText()).isEqualTo("service_unavailable_error");
        assertThat(err.get("code").asText()).isEqualTo("shared_state_unavailable");
        assertThat(err.get("message").asText()).contains("shared state").contains("unreachable");
        assertThat(r.body()).doesNotContain(PASSWORD).doesNotContain("redis://");
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(ms).as("a dead Redis must not hold the request").isLessThan(2_000);
        assertThat(stub.requests()).isEmpty();

        NewKey budgeted = createKey("{\"tenant\":\"closed\",\"budget\":\"5/day\"}");
        assertThat(chatAs(budgeted.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(503);

        NewKey free = createKey("{\"tenant\":\"closed\"}");
        assertThat(chatAs(free.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
    }

    @Test
    void readinessIsDownAndSaysWhyWithoutThePassword() {
        HttpResponse<String> ready = adminGet("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("shared-state").contains("unreachable").doesNotContain(PASSWORD);
        assertThat(adminGet("/metrics").body()).containsPattern("caravan_state_redis_up(\\{[^}]*})? 0\\.0");
    }
}
