package dev.caravan.shadow;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How a candidate's answer compares with the primary's. Pure functions.
 *
 * <ul>
 * <li>exact: the two texts are equal, character for character;</li>
 * <li>fuzzy: the Jaccard similarity of the two texts' word sets (lower-cased, split on anything that is not a
 * letter or digit) is at least {@link #FUZZY_THRESHOLD}; two empty texts are similar;</li>
 * <li>tool calls: the same functions in the same order with JSON-equal arguments;</li>
 * <li>finish reason: the same value.</li>
 * </ul>
 * Each is null (not compared) when a side's value is unknown: a side failed, or a native pass-through stream's text.
 */
public record ShadowComparison(Boolean exact, Double similarity, Boolean fuzzy, Boolean toolsAgree,
        Boolean finishAgree) {

    public static final double FUZZY_THRESHOLD = 0.8;
    public static final String FUZZY_MEASURE = "word-set Jaccard similarity >= 0.8 (lower-cased, split on "
            + "non-alphanumerics)";

    public static ShadowComparison of(ShadowAnswer primary, ShadowAnswer candidate) {
        if (!primary.ok() || !candidate.ok()) {
            return new ShadowComparison(null, null, null, null, null);
        }
        Boolean exact = null;
        Double sim = null;
        if (primary.text() != null || primary.toolCalls() != null) {
            String a = Objects.requireNonNullElse(primary.text(), "");
            String b = Objects.requireNonNullElse(candidate.text(), "");
            exact = a.equals(b);
            sim = jaccard(a, b);
        }
        Boolean tools = null;
        if (primary.toolCalls() != null && candidate.toolCalls() != null
                && (!primary.toolCalls().isEmpty() || !candidate.toolCalls().isEmpty())) {
            tools = toolsAgree(primary.toolCalls(), candidate.toolCalls());
        }
        Boolean finish = primary.finishReason() == null || candidate.finishReason() == null ? null
                : primary.finishReason().equals(candidate.finishReason());
        return new ShadowComparison(exact, sim, sim == null ? null : sim >= FUZZY_THRESHOLD, tools, finish);
    }

    static double jaccard(String a, String b) {
        Set<String> x = words(a);
        Set<String> y = words(b);
        if (x.isEmpty() && y.isEmpty()) {
            return 1.0;
        }
        Set<String> both = new HashSet<>(x);
        both.retainAll(y);
        Set<String> either = new HashSet<>(x);
        either.addAll(y);
        return (double) both.size() / either.size();
    }

    private static Set<String> words(String s) {
        Set<String> out = new HashSet<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    static boolean toolsAgree(List<ShadowAnswer.ToolCallView> a, List<ShadowAnswer.ToolCallView> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name()) || !a.get(i).arguments().equals(b.get(i).arguments())) {
                return false;
            }
        }
        return true;
    }
}
