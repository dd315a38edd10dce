package dev.caravan.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A comma-separated list of model globs ({@code claude-opus-4-7*,gemini-3*}) from a route file or a property:
 * native providers use it to apply rules per model family without Java changes.
 */
public final class ModelPatterns {

    private final List<Pattern> patterns;

    private ModelPatterns(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    public static ModelPatterns parse(String spec) {
        List<Pattern> out = new ArrayList<>();
        if (spec != null) {
            for (String g : spec.split(",")) {
                if (!g.isBlank()) {
                    out.add(glob(g.trim()));
                }
            }
        }
        return new ModelPatterns(List.copyOf(out));
    }

    public boolean matches(String model) {
        if (model == null) {
            return false;
        }
        for (Pattern p : patterns) {
            if (p.matcher(model).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
