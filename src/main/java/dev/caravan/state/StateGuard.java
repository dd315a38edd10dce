package dev.caravan.state;

import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;

/**
 * What happens to a call when the shared state is unreachable: with {@code fail-open} it goes on with this
 * replica's own counters (counted in {@code caravan.state.fallback}); with {@code fail-closed} it is refused with a
 * 503 in OpenAI's error shape that says why, without the server's address or password.
 */
public final class StateGuard {

    private final RedisState redis;

    public StateGuard(RedisState redis) {
        this.redis = redis;
    }

    /** Returns when the call may go on with local state; throws the 503 otherwise. */
    void fallBack(String concern, StateUnavailable cause) {
        if (!redis.settings().failOpen()) {
            throw new ApiException(503, ErrorMapper.UNAVAILABLE, "shared_state_unavailable", null,
                    "The gateway's shared state (rate limits and budgets) is unreachable, and this gateway refuses "
                            + "calls it cannot count (caravan.state.redis-failure=fail-closed). Please retry shortly.", java.util.Map.of("retry-after", "1"));
        }
        redis.fellBack(concern);
    }

    /** A settlement that could not reach Redis: counted, not retried. */
    void lost(String concern) {
        redis.fellBack(concern + "-settle");
    }
}
