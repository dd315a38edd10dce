package dev.caravan.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The models a key may use, as globs over Caravan model ids: {@code *} is any text ({@code /} included), {@code ?}
 * one character. {@code openai/*}, {@code *mini*}, {@code anthropic/claude-3-5-haiku-?????????}. No globs: every
 * model.
 */
public final class ModelGlobs {

    public static final ModelGlobs ANY = new ModelGlobs(List.of());

    private final List<String> globs;
    private final List<Pattern> patterns;

    private ModelGlobs(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.patterns = this.globs.stream().map(ModelGlobs::compile).toList();
    }

    public static ModelGlobs of(List<String> globs) {
        return globs == null || globs.isEmpty() ? ANY : new ModelGlobs(globs);
    }

    public boolean allows(String model) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(model).matches()) {
                return true;
            }
        }
        return false;
    }

    public List<String> globs() {
        return globs;
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
