package dev.caravan.guardrail;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Personal data and secrets by pattern. Properties (besides those of {@link MatchingGuardrail}):
 * {@code patterns}, a comma-separated choice of {@code email, phone, credit-card, iban, us-ssn, api-key}
 * (default all), and {@code customPatterns}, one {@code LABEL=regex} per line, masked as {@code [LABEL]}.
 */
public class PatternGuardrail extends MatchingGuardrail {

    private List<PiiPatterns.Detector> detectors = new ArrayList<>(PiiPatterns.BUILT_IN.values());
    private final List<PiiPatterns.Detector> custom = new ArrayList<>();

    public PatternGuardrail() {
        setName("pii");
    }

    public void setPatterns(String names) {
        java.util.Set<String> chosen = split(names);
        for (String n : chosen) {
            if (!PiiPatterns.BUILT_IN.containsKey(n)) {
                throw new IllegalArgumentException("guardrail " + getName() + ": unknown pattern '" + n + "' (known: "
                        + String.join(", ", PiiPatterns.BUILT_IN.keySet()) + ")");
            }
        }
        // the built-in priority order, whatever the order of the list (an SSN is not a phone number)
        List<PiiPatterns.Detector> d = new ArrayList<>();
        PiiPatterns.BUILT_IN.forEach((n, det) -> {
            if (chosen.contains(n)) {
                d.add(det);
            }
        });
        this.detectors = d;
    }

    public void setCustomPatterns(String lines) {
        custom.clear();
        for (String line : lines.split("\\R")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("guardrail " + getName() + ": custom pattern needs LABEL=regex");
            }
            custom.add(new PiiPatterns.Detector(l.substring(0, eq).trim(), Pattern.compile(l.substring(eq + 1).trim()),
                    s -> !s.isEmpty()));
        }
    }

    @Override
    public List<Finding> find(String text) {
        List<Finding> all = new ArrayList<>();
        for (PiiPatterns.Detector d : custom) {
            all.addAll(d.find(text));
        }
        for (PiiPatterns.Detector d : detectors) {
            all.addAll(d.find(text));
        }
        return Masking.resolve(all);
    }
}
