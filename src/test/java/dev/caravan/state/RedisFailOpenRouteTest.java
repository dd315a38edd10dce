package dev.caravan.state;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis unreachable under {@code fail-open}: calls are served on this replica's own counters (which still enforce
 * the limits), {@code /ready} stays up but lists the degradation, and the fallback is counted on {@code /metrics}.
 */
class RedisFailOpenRouteTest extends MoneyTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.state.redis-url", "redis://127.0.0.1:" + freePort(),
                "caravan.state.redis-failure", "fail-open", "caravan.state.redis-prefix", TestRedis.freshPrefix());
    }

    @Test
    void callsAreServedOnLocalCountersThatStillEnforceTheLimits() {
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 5, 0, 0)));
        NewKey k = createKey("{\"tenant\":\"open\",\"rpm\":2,\"budget\":\"5/day\"}");
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
        HttpResponse<String> third = chatAs(k.secret(), ask("openai/gpt-4o-mini"));
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(json(third.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");

        String metrics = adminGet("/metrics").body();
        assertThat(metrics).containsPattern("caravan_state_redis_up(\\{[^}]*})? 0\\.0");
        assertThat(metrics).containsPattern("caravan_state_fallback_total\\{[^}]*concern=\"limits\"[^}]*} 3\\.0");
        assertThat(metrics).containsPattern("caravan_state_fallback_total\\{[^}]*concern=\"budgets\"[^}]*} 2\\.0");
    }

    @Test
    void readinessStaysUpAndListsTheDegradation() {
        HttpResponse<String> ready = adminGet("/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(json(ready.body()).at("/degraded/0/id").asText()).isEqualTo("shared-state");
        assertThat(json(ready.body()).at("/degraded/0/message").asText()).contains("unreachable");
    }
}
