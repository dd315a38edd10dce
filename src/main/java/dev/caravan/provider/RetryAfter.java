package dev.caravan.provider;

import java.net.http.HttpHeaders;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads {@code retry-after-ms} and {@code retry-after} (seconds or an HTTP date) into whole seconds. */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static Long seconds(HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        String ms = headers.firstValue("retry-after-ms").orElse(null);
        if (ms != null) {
            try {
                return Math.max(0, (long) Math.ceil(Double.parseDouble(ms.trim()) / 1000.0));
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        String v = headers.firstValue("retry-after").orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, (long) Math.ceil(Double.parseDouble(v.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toEpochSecond() - System.currentTimeMillis() / 1000);
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }
}
