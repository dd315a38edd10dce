package dev.caravan.guardrail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Pure functions over findings: overlap resolution and replacement by {@code [LABEL]}. */
public final class Masking {

    private Masking() {
    }

    /**
     * Findings sorted by start, overlaps removed: of two overlapping findings the one found first (the earlier
     * matcher in the guardrail's list) wins.
     */
    public static List<Finding> resolve(List<Finding> inPriorityOrder) {
        List<Finding> kept = new ArrayList<>();
        for (Finding f : inPriorityOrder) {
            boolean overlaps = false;
            for (Finding k : kept) {
                if (f.start() < k.end() && k.start() < f.end()) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(f);
            }
        }
        kept.sort(Comparator.comparingInt(Finding::start));
        return kept;
    }

    /** {@code text} with every finding that ends at or before {@code limit} replaced, cut at {@code limit}. */
    public static String mask(String text, List<Finding> sorted, int limit) {
        StringBuilder sb = new StringBuilder(limit);
        int at = 0;
        for (Finding f : sorted) {
            if (f.end() > limit) {
                break;
            }
            sb.append(text, at, f.start()).append('[').append(f.label()).append(']');
            at = f.end();
        }
        sb.append(text, at, limit);
        return sb.toString();
    }

    public static String mask(String text, List<Finding> sorted) {
        return mask(text, sorted, text.length());
    }
}
