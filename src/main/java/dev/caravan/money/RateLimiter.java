package dev.caravan.money;

import java.util.List;

/**
 * Requests-per-minute and tokens-per-minute limits over a sliding one-minute window, per scope ({@code key:<id>},
 * {@code tenant:<name>}). One replica counts in memory; a shared backend (Redis) implements the same calls
 * atomically for every replica.
 */
public interface RateLimiter {

    /** The limits of one scope; a null field means no limit of that kind. */
    record Limit(String scope, Integer rpm, Integer tpm) {
    }

    /** Where a scope stands: limits, what is left, and milliseconds until the window is empty again. */
    record Status(Limit limit, long remainingRequests, long resetRequestsMs, long remainingTokens,
            long resetTokensMs) {
    }

    /**
     * What a call took, to be corrected with the real token count when it ends. {@code shared}: counted in the
     * shared backend (its clock in {@code atMillis}), not in this replica's memory.
     */
    record Ticket(List<Limit> limits, long tokens, long atMillis, boolean shared) {
        public Ticket(List<Limit> limits, long tokens, long atMillis) {
            this(limits, tokens, atMillis, false);
        }
    }

    /**
     * The outcome of {@link #acquire}. Admitted: {@code ticket} set, {@code rejected} null. Rejected: the limit
     * that refused, {@code kind} {@code requests} or {@code tokens}, and when to retry. {@code status} describes
     * the first scope (the key's), or the refusing one.
     */
    record Result(Ticket ticket, Limit rejected, String kind, long retryAfterMs, Status status) {
        public boolean admitted() {
            return rejected == null;
        }
    }

    /** Takes one request and {@code tokens} tokens from every scope, or nothing at all when one would exceed. */
    Result acquire(List<Limit> limits, long tokens, long nowMillis);

    /** Replaces the tokens a ticket took with what the call really used. */
    void settle(Ticket ticket, long actualTokens);
}
