package dev.caravan.money;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link RateLimiter} for one replica. Each scope has a request window and a token window behind one lock; a call
 * locks its scopes in the order given (key, then tenant), checks all of them and counts in all of them, so a
 * limit is never exceeded by concurrent requests. Scopes idle for two minutes are forgotten now and then (their
 * windows are empty anyway).
 */
public final class InMemoryRateLimiter implements RateLimiter {

    private static final int SWEEP_EVERY = 8192;
    private static final long IDLE_MS = 120_000;

    private static final class Scope {
        final ReentrantLock lock = new ReentrantLock();
        final SlidingWindow requests = new SlidingWindow();
        final SlidingWindow tokens = new SlidingWindow();
        volatile long lastUsedMs;
    }

    private final ConcurrentHashMap<String, Scope> scopes = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public Result acquire(List<Limit> limits, long tokens, long nowMs) {
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            scopes.values().removeIf(s -> nowMs - s.lastUsedMs > IDLE_MS);
        }
        List<Scope> locked = new ArrayList<>(limits.size());
        try {
            for (Limit l : limits) {
                Scope s = scopes.computeIfAbsent(l.scope(), k -> new Scope());
                s.lastUsedMs = nowMs;
                s.lock.lock();
                locked.add(s);
            }
            long nowSec = Math.floorDiv(nowMs, 1000);
            for (int i = 0; i < limits.size(); i++) {
                Limit l = limits.get(i);
                Scope s = locked.get(i);
                if (l.rpm() != null && s.requests.sum(nowSec) + 1 > l.rpm()) {
                    long excess = s.requests.sum(nowSec) + 1 - l.rpm();
                    return new Result(null, l, "requests", s.requests.msUntilFreed(nowMs, excess),
                            status(l, s, nowMs));
                }
                if (l.tpm() != null && s.tokens.sum(nowSec) + tokens > l.tpm()) {
                    long excess = s.tokens.sum(nowSec) + tokens - l.tpm();
                    long retry = tokens > l.tpm() ? 60_000 : s.tokens.msUntilFreed(nowMs, excess);
                    return new Result(null, l, "tokens", retry, status(l, s, nowMs));
                }
            }
            for (Scope s : locked) {
                s.requests.add(nowSec, 1);
                s.tokens.add(nowSec, tokens);
            }
            Status first = limits.isEmpty() ? null : status(limits.get(0), locked.get(0), nowMs);
            return new Result(new Ticket(List.copyOf(limits), tokens, nowMs), null, null, 0, first);
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).lock.unlock();
            }
        }
    }

    @Override
    public void settle(Ticket ticket, long actualTokens) {
        long delta = actualTokens - ticket.tokens();
        if (delta == 0) {
            return;
        }
        long atSec = Math.floorDiv(ticket.atMillis(), 1000);
        for (Limit l : ticket.limits()) {
            Scope s = scopes.get(l.scope());
            if (s != null) {
                s.lock.lock();
                try {
                    s.tokens.adjust(atSec, delta);
                } finally {
                    s.lock.unlock();
                }
            }
        }
    }

    private static Status status(Limit l, Scope s, long nowMs) {
        long nowSec = Math.floorDiv(nowMs, 1000);
        long remReq = l.rpm() == null ? -1 : Math.max(0, l.rpm() - s.requests.sum(nowSec));
        long remTok = l.tpm() == null ? -1 : Math.max(0, l.tpm() - s.tokens.sum(nowSec));
        return new Status(l, remReq, s.requests.msUntilEmpty(nowMs), remTok, s.tokens.msUntilEmpty(nowMs));
    }
}
