package dev.caravan.shadow;

/**
 * The two answers of one shadowed call, filled from two threads: the primary's when the step runs (a streamed
 * primary: when its stream ends), the candidate's when the copy comes back. Complete once both are in.
 */
final class ShadowPair {

    final String shadowId;
    final String requestId;
    final String tenant;
    final boolean stream;
    final long tsMs;
    final long candidateStartNanos;
    private ShadowAnswer primary;
    private ShadowAnswer candidate;

    ShadowPair(String shadowId, String requestId, String tenant, boolean stream, long tsMs, long candidateStartNanos) {
        this.shadowId = shadowId;
        this.requestId = requestId;
        this.tenant = tenant;
        this.stream = stream;
        this.tsMs = tsMs;
        this.candidateStartNanos = candidateStartNanos;
    }

    /** Sets the primary's answer; true when that completed the pair. */
    synchronized boolean primary(ShadowAnswer a) {
        if (primary != null) {
            return false;
        }
        primary = a;
        return candidate != null;
    }

    /** Sets the candidate's answer; true when that completed the pair. */
    synchronized boolean candidate(ShadowAnswer a) {
        if (candidate != null) {
            return false;
        }
        candidate = a;
        return primary != null;
    }

    synchronized ShadowAnswer primary() {
        return primary;
    }

    synchronized ShadowAnswer candidate() {
        return candidate;
    }
}
