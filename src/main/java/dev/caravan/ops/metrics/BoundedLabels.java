package dev.caravan.ops.metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps label values bounded: each label accepts at most {@code max} distinct values, later ones are reported as
 * {@link #OTHER}. Model names come from clients, so without this one caller could create any number of series.
 */
final class BoundedLabels {

    static final String NONE = "none";
    static final String OTHER = "other";
    private static final int MAX_LENGTH = 100;

    private final int max;
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

    BoundedLabels(int max) {
        this.max = max;
    }

    String value(String label, String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String v = value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value;
        Set<String> values = seen.computeIfAbsent(label, k -> ConcurrentHashMap.newKeySet());
        if (values.contains(v)) {
            return v;
        }
        synchronized (values) {
            if (values.size() < max) {
                values.add(v);
                return v;
            }
        }
        return values.contains(v) ? v : OTHER;
    }
}
