package dev.caravan.state;

import java.util.List;

import dev.caravan.money.RateLimiter;

/**
 * {@link RateLimiter} shared by every replica: each scope's request and token windows are Redis hashes (second ->
 * count) checked and counted by one Lua script ({@code redis/limits-acquire.lua}) for all scopes of a call, on the
 * server's clock. When Redis is unreachable, {@link StateGuard} decides: this replica's own limiter (fail-open) or
 * a 503 (fail-closed). A ticket is settled where it was taken.
 */
public final class RedisRateLimiter implements RateLimiter {

    private final RedisState redis;
    private final RateLimiter local;
    private final StateGuard guard;

    public RedisRateLimiter(RedisState redis, RateLimiter local, StateGuard guard) {
        this.redis = redis;
        this.local = local;
        this.guard = guard;
    }

    @Override
    public Result acquire(List<Limit> limits, long tokens, long nowMillis) {
        if (limits.isEmpty()) {
            return local.acquire(limits, tokens, nowMillis);
        }
        try {
            return shared(limits, tokens);
        } catch (StateUnavailable e) {
            guard.fallBack("limits", e);
            return local.acquire(limits, tokens, nowMillis);
        }
    }

    private Result shared(List<Limit> limits, long tokens) {
        String[] keys = new String[limits.size() * 2];
        String[] args = new String[1 + limits.size() * 2];
        args[0] = Long.toString(tokens);
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            keys[2 * i] = redis.prefix() + "rl:req:" + l.scope();
            keys[2 * i + 1] = redis.prefix() + "rl:tok:" + l.scope();
            args[1 + 2 * i] = Long.toString(l.rpm() == null ? -1 : l.rpm());
            args[2 + 2 * i] = Long.toString(l.tpm() == null ? -1 : l.tpm());
        }
        List<Object> r = redis.script("limits-acquire", keys, args);
        boolean admitted = num(r, 0) == 1;
        int scope = (int) num(r, 1);
        long now = num(r, 4);
        Limit described = admitted ? limits.get(0) : limits.get(scope - 1);
        Status status = new Status(described, num(r, 5), num(r, 6), num(r, 7), num(r, 8));
        if (!admitted) {
            return new Result(null, described, (String) r.get(2), num(r, 3), status);
        }
        return new Result(new Ticket(List.copyOf(limits), tokens, now, true), null, null, 0, status);
    }

    @Override
    public void settle(Ticket ticket, long actualTokens) {
        if (!ticket.shared()) {
            local.settle(ticket, actualTokens);
            return;
        }
        long delta = actualTokens - ticket.tokens();
        if (delta == 0) {
            return;
        }
        String[] keys = ticket.limits().stream().map(l -> redis.prefix() + "rl:tok:" + l.scope())
                .toArray(String[]::new);
        try {
            redis.script("limits-settle", keys, Long.toString(Math.floorDiv(ticket.atMillis(), 1000)),
                    Long.toString(delta));
        } catch (StateUnavailable e) {
            // the window forgets the difference within a minute anyway
            guard.lost("limits");
        }
    }

    static long num(List<Object> r, int i) {
        return ((Number) r.get(i)).longValue();
    }
}
