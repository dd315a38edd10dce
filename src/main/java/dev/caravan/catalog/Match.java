package dev.caravan.catalog;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which model names an entry answers to besides its own id: any of the listed exact names, prefixes, substrings or
 * regular expressions (compared case-insensitively). Provider APIs report dated snapshots ({@code
 * gpt-4o-mini-2024-07-18}) and aliases; these rules map them to one price.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Match(List<String> equals, List<String> startsWith, List<String> endsWith, List<String> contains,
        List<String> regex, @JsonIgnore List<Pattern> compiled) {

    public Match {
        equals = lower(equals);
        startsWith = lower(startsWith);
        endsWith = lower(endsWith);
        contains = lower(contains);
        regex = regex == null ? List.of() : List.copyOf(regex);
        compiled = regex.stream().map(r -> Pattern.compile(r, Pattern.CASE_INSENSITIVE)).toList();
    }

    public Match(List<String> equals, List<String> startsWith, List<String> endsWith, List<String> contains,
            List<String> regex) {
        this(equals, startsWith, endsWith, contains, regex, null);
    }

    /** {@code model} must already be lower case. */
    public boolean matches(String model) {
        if (equals.contains(model)) {
            return true;
        }
        for (String p : startsWith) {
            if (model.startsWith(p)) {
                return true;
            }
        }
        for (String e : endsWith) {
            if (model.endsWith(e)) {
                return true;
            }
        }
        for (String c : contains) {
            if (model.contains(c)) {
                return true;
            }
        }
        for (Pattern p : compiled) {
            if (p.matcher(model).find()) {
                return true;
            }
        }
        return false;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return equals.isEmpty() && startsWith.isEmpty() && endsWith.isEmpty() && contains.isEmpty()
                && regex.isEmpty();
    }

    private static List<String> lower(List<String> in) {
        return in == null ? List.of() : in.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
