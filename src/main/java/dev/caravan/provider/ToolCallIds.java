package dev.caravan.provider;

import java.util.regex.Pattern;

/**
 * Tool-call ids as the carrier of provider state that must survive an OpenAI client round trip. The id is the one
 * field of a tool call every OpenAI client sends back unchanged (in the assistant turn and in the tool result),
 * whatever SDK, framework or stream accumulator it uses, so native translators append what they must replay to it:
 * <ul>
 * <li>{@code <id>__thought__<signature>}: a Gemini thought signature (the convention LiteLLM uses too, so
 * histories recorded through either gateway replay);</li>
 * <li>{@code <id>__thinking__<base64url(deflate(json))>}: Anthropic thinking blocks that preceded the call.</li>
 * </ul>
 * Every native translator strips these suffixes before an id goes upstream.
 */
public final class ToolCallIds {

    public static final String THOUGHT = "__thought__";
    public static final String THINKING = "__thinking__";
    private static final Pattern UNSAFE = Pattern.compile("[^a-zA-Z0-9_-]");

    private ToolCallIds() {
    }

    /** The id without any carried state. */
    public static String base(String id) {
        if (id == null) {
            return null;
        }
        int cut = id.length();
        int t = id.indexOf(THOUGHT);
        if (t >= 0) {
            cut = t;
        }
        int k = id.indexOf(THINKING);
        if (k >= 0 && k < cut) {
            cut = k;
        }
        return id.substring(0, cut);
    }

    /** The payload after {@code marker}, or null when the id carries none. */
    public static String payload(String id, String marker) {
        if (id == null) {
            return null;
        }
        int i = id.indexOf(marker);
        if (i < 0) {
            return null;
        }
        String rest = id.substring(i + marker.length());
        String other = THOUGHT.equals(marker) ? THINKING : THOUGHT;
        int j = rest.indexOf(other);
        return j >= 0 ? rest.substring(0, j) : rest;
    }

    /** The base id restricted to {@code [a-zA-Z0-9_-]} (Anthropic and Bedrock reject anything else). */
    public static String safeBase(String id) {
        String b = base(id);
        return b == null || b.isEmpty() ? "call_" : UNSAFE.matcher(b).replaceAll("_");
    }
}
