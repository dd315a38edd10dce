package dev.caravan.guardrail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words and phrases that must not pass, matched case-insensitively as whole words (a phrase's words may be
 * separated by any whitespace). Property {@code words}: comma-separated. Action {@code reject} by default;
 * {@code mask} replaces them with {@code [label]} (property {@code label}, default {@code REDACTED}).
 */
public class DenyListGuardrail extends MatchingGuardrail {

    private Pattern pattern;
    private String label = "REDACTED";

    public DenyListGuardrail() {
        setName("deny-list");
        setAction("reject");
    }

    public void setWords(String words) {
        List<String> alternatives = new ArrayList<>();
        for (String w : words.split(",")) {
            String t = w.trim();
            if (!t.isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (String p : t.split("\\s+")) {
                    parts.add(Pattern.quote(p));
                }
                alternatives.add(String.join("\\s+", parts));
            }
        }
        // longest first, so that a phrase wins over a word it starts with
        alternatives.sort(Comparator.comparingInt(String::length).reversed());
        this.pattern = alternatives.isEmpty() ? null : Pattern.compile(
                "(?<![\\p{L}\\p{N}_])(?:" + String.join("|", alternatives) + ")(?![\\p{L}\\p{N}_])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    public void setLabel(String label) {
        this.label = label;
    }

    @Override
    public List<Finding> find(String text) {
        List<Finding> out = new ArrayList<>();
        if (pattern == null) {
            return out;
        }
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(new Finding(m.start(), m.end(), label));
        }
        return out;
    }

    @Override
    String why(List<Finding> found) {
        return "it contains a denied term";
    }
}
