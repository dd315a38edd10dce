package dev.caravan.state;

/**
 * Settings of the shared state ({@code caravan.state.*}, documented in application.properties).
 *
 * @param redisUrl          {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS; blank = off
 * @param prefix            prefix of every key Caravan writes, so that several gateways (or tests) share a server
 * @param failOpen          Redis unreachable: serve on this replica's counters (true) or refuse with 503 (false)
 * @param timeoutMs         the most one Redis call may take before it counts as a failure
 * @param reservationTtlMs  a budget reservation whose call never settles (the replica died) expires after this
 */
public record StateSettings(String redisUrl, String prefix, boolean failOpen, long timeoutMs, long reservationTtlMs) {

    public boolean enabled() {
        return redisUrl != null && !redisUrl.isBlank();
    }

    /** Parses {@code caravan.state.redis-failure}: {@code fail-closed} (default) or {@code fail-open}. */
    public static boolean parseFailOpen(String mode) {
        String m = mode == null ? "" : mode.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (m) {
            case "", "fail-closed", "closed" -> false;
            case "fail-open", "open" -> true;
            default -> throw new IllegalArgumentException("caravan.state.redis-failure must be fail-closed or "
                    + "fail-open, not '" + mode + "'");
        };
    }
}
