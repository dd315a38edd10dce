package dev.caravan.logging;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.support.Secrets;

/**
 * Redacts text bound for a log: registered secrets and key-shaped strings ({@link Secrets#scrub}), then the
 * configured pattern ({@code caravan.log.redact-patterns}, one Java regex, alternatives joined with {@code |}).
 * JSON is redacted value by value, so the result stays valid JSON; long strings are cut.
 */
public final class Redactor {

    public static final String MASK = Secrets.MASK;

    private final Pattern pattern;
    private final int maxChars;

    /** @param pattern a regex, or null/blank for none; {@code maxChars} caps each string value */
    public Redactor(String pattern, int maxChars) {
        this.pattern = pattern == null || pattern.isBlank() ? null : Pattern.compile(pattern.trim());
        this.maxChars = maxChars;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = Secrets.scrub(text);
        if (pattern != null) {
            out = pattern.matcher(out).replaceAll(MASK);
        }
        if (out.length() > maxChars) {
            out = out.substring(0, maxChars) + "…[" + (out.length() - maxChars) + " more chars]";
        }
        return out;
    }

    /** A redacted copy of a JSON tree (the original is untouched). */
    public JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(redact(node.asText()));
        }
        if (node instanceof ObjectNode o) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(redact(e.getKey()), redact(e.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(a.size());
            a.forEach(v -> copy.add(redact(v)));
            return copy;
        }
        return node.deepCopy();
    }
}
