package dev.caravan.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of {@code LogSecrecyIT} over what the test run's gateways answered ({@link ResponseRecorder}) and
 * logged: pure functions over text, so that a test can plant a secret and see it found.
 */
public final class SecretScan {

    /** A virtual key's secret: {@code sk-cvn-} and 32 random bytes in base64url. */
    public static final Pattern VIRTUAL_KEY = Pattern.compile("sk-cvn-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");
    /** The request that creates a virtual key, the only reply that may show its secret. */
    public static final String CREATE_KEY = "POST /admin/keys";

    private SecretScan() {
    }

    /** Recorded bytes (ISO-8859-1) → reply name ({@code <connection> <n> <METHOD> <path>}) → the reply's bytes. */
    public static Map<String, String> replies(String recorded) {
        Map<String, StringBuilder> out = new LinkedHashMap<>();
        String[] runs = recorded.split(Pattern.quote(ResponseRecorder.MARKER), -1);
        for (String run : runs) {
            int nl = run.indexOf('\n');
            if (nl < 0) {
                continue;
            }
            out.computeIfAbsent(run.substring(0, nl), k -> new StringBuilder()).append(run, nl + 1, run.length());
        }
        Map<String, String> replies = new LinkedHashMap<>();
        out.forEach((k, v) -> replies.put(k, v.toString()));
        return replies;
    }

    /** Any of {@code secrets} in any reply. */
    public static List<String> replyLeaks(Map<String, String> replies, Collection<String> secrets) {
        List<String> leaks = new ArrayList<>();
        replies.forEach((name, text) -> {
            for (String s : secrets) {
                if (text.contains(s)) {
                    leaks.add(name + ": " + redact(s));
                }
            }
        });
        return leaks;
    }

    /** Adds, for each virtual key secret in the replies, the name of each reply that shows it (once per showing). */
    public static void showings(Map<String, String> replies, Map<String, List<String>> into) {
        replies.forEach((name, text) -> {
            Matcher m = VIRTUAL_KEY.matcher(text);
            while (m.find()) {
                into.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(name);
            }
        });
    }

    /** A virtual key secret shown anywhere but once, in the reply to the request that created it. */
    public static List<String> virtualKeyLeaks(Map<String, List<String>> showings) {
        List<String> leaks = new ArrayList<>();
        showings.forEach((key, names) -> {
            if (names.size() != 1 || !names.get(0).endsWith(" " + CREATE_KEY)) {
                leaks.add("virtual key " + redact(key) + " in " + names);
            }
        });
        return leaks;
    }

    /** Both checks over one set of replies. */
    public static List<String> allLeaks(Map<String, String> replies, Collection<String> secrets) {
        List<String> leaks = replyLeaks(replies, secrets);
        Map<String, List<String>> showings = new LinkedHashMap<>();
        showings(replies, showings);
        leaks.addAll(virtualKeyLeaks(showings));
        return leaks;
    }

    /** The secrets found in a log's text. */
    public static List<String> logLeaks(String logName, String text, Collection<String> secrets) {
        List<String> leaks = new ArrayList<>();
        for (String s : secrets) {
            if (text.contains(s)) {
                leaks.add(logName + ": " + redact(s));
            }
        }
        return leaks;
    }

    static String redact(String secret) {
        return secret.substring(0, Math.min(8, secret.length())) + "…";
    }
}
