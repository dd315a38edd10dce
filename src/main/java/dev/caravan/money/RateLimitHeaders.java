package dev.caravan.money;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -reset-requests} and the same for tokens (durations like {@code 1s}, {@code 6m0s}, {@code 20ms}), plus
 * {@code retry-after} (seconds) and {@code retry-after-ms} on a 429.
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    public static Map<String, String> of(RateLimiter.Status s) {
        Map<String, String> h = new LinkedHashMap<>();
        if (s == null) {
            return h;
        }
        if (s.limit().rpm() != null) {
            h.put("x-ratelimit-limit-requests", Integer.toString(s.limit().rpm()));
            h.put("x-ratelimit-remaining-requests", Long.toString(s.remainingRequests()));
            h.put("x-ratelimit-reset-requests", duration(s.resetRequestsMs()));
        }
        if (s.limit().tpm() != null) {
            h.put("x-ratelimit-limit-tokens", Integer.toString(s.limit().tpm()));
            h.put("x-ratelimit-remaining-tokens", Long.toString(s.remainingTokens()));
            h.put("x-ratelimit-reset-tokens", duration(s.resetTokensMs()));
        }
        return h;
    }

    public static void retryAfter(Map<String, String> h, long ms) {
        h.put("retry-after", Long.toString(Math.max(1, (ms + 999) / 1000)));
        h.put("retry-after-ms", Long.toString(Math.max(1, ms)));
    }

    /** Go-style durations as OpenAI sends them: {@code 20ms}, {@code 1.5s}, {@code 6m0s}, {@code 0s}. */
    static String duration(long ms) {
        if (ms <= 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        long rest = ms % 60_000;
        StringBuilder sb = new StringBuilder(12);
        if (minutes > 0) {
            sb.append(minutes).append('m');
        }
        sb.append(rest / 1000);
        long millis = rest % 1000;
        if (millis != 0) {
            String frac = Long.toString(1000 + millis).substring(1); // three digits
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        return sb.append('s').toString();
    }
}
