package dev.caravan.error;

/**
 * The provider could not answer this attempt: upstream 429, 5xx (529 included), a timeout or a connection
 * error. Failover and circuit breakers count this exception; a client-side 4xx is an {@link ApiException}
 * instead and never trips a breaker. The body excerpt is already scrubbed of secrets.
 */
public class ProviderUnavailable extends RuntimeException {

    /**
     * Why: the provider refused (rate limit, server error, timeout, connection, missing key), or the gateway did not
     * call it (its circuit breaker is open; the request does not fit it: context window, capability).
     */
    public enum Reason { RATE_LIMITED, SERVER_ERROR, TIMEOUT, CONNECTION, NOT_CONFIGURED, BREAKER_OPEN, SKIPPED }

    private final String provider;
    private final Reason reason;
    private final int upstreamStatus;
    private final Long retryAfterSeconds;
    private final String excerpt;

    public ProviderUnavailable(String provider, Reason reason, int upstreamStatus, Long retryAfterSeconds,
            String excerpt) {
        super(describe(provider, reason, upstreamStatus, excerpt), null, false, false);
        this.provider = provider;
        this.reason = reason;
        this.upstreamStatus = upstreamStatus;
        this.retryAfterSeconds = retryAfterSeconds;
        this.excerpt = excerpt;
    }

    private static String describe(String provider, Reason reason, int status, String excerpt) {
        String what = switch (reason) {
            case RATE_LIMITED -> "rate limited the request (HTTP " + status + ")";
            case SERVER_ERROR -> "returned HTTP " + status;
            case TIMEOUT -> "did not answer in time";
            case CONNECTION -> "could not be reached";
            case NOT_CONFIGURED -> "is not configured";
            case BREAKER_OPEN -> "is paused by its circuit breaker";
            case SKIPPED -> "was skipped";
        };
        String msg = "Provider " + provider + " " + what;
        return excerpt == null || excerpt.isBlank() ? msg : msg + ": " + excerpt;
    }

    public String provider() {
        return provider;
    }

    public Reason reason() {
        return reason;
    }

    public int upstreamStatus() {
        return upstreamStatus;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String excerpt() {
        return excerpt;
    }
}
