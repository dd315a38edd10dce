package dev.caravan.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

/**
 * A finished non-streamed answer in OpenAI {@code chat.completion} form: the JSON that goes to the client (later
 * stages may add to its usage, e.g. the cost) and the usage read from it.
 *
 * <p>Most answers are a JSON tree. An OpenAI-compatible reply the gateway leaves as it is is kept as the upstream's
 * bytes instead ({@link #forwarded}), and so is an answer served from the response cache ({@link #stored}): it is
 * written to the client as sent, with what {@link #editUsage} adds spliced into its {@code usage} object, and is
 * parsed into a tree only when a later stage asks for {@link #body()} (guardrails on answers, body logging, the
 * Messages and Responses shapes, tracing content). From then on the tree is the answer, and {@link #bytes()}
 * serialises it.
 */
public final class ChatResult {

    private final Usage usage;
    /** The upstream's reply as sent; null for an answer made as a tree. */
    private final byte[] raw;
    /** Of {@link #raw}: the top-level {@code model} string, the offset of the usage object's closing brace (-1 when
     * there is no usage object) and whether that object is empty. */
    private final String rawModel;
    private final int usageEnd;
    private final boolean usageEmpty;
    /** Fields {@link #editUsage} set while the answer is still {@link #raw}. */
    private ObjectNode usageAdded;
    private ObjectNode body;

    public ChatResult(ObjectNode body, Usage usage) {
        this.body = body;
        this.usage = usage;
        this.raw = null;
        this.rawModel = null;
        this.usageEnd = -1;
        this.usageEmpty = false;
    }

    private ChatResult(byte[] raw, Usage usage, String model, int usageEnd, boolean usageEmpty) {
        this.raw = raw;
        this.usage = usage;
        this.rawModel = model;
        this.usageEnd = usageEnd;
        this.usageEmpty = usageEmpty;
    }

    /**
     * An answer that is the upstream's reply as sent. The caller has read it: {@code raw} is one JSON object with
     * no trailing content; {@code model} is its top-level {@code model} string (or null when it has none);
     * {@code usageEnd} is the offset in {@code raw} of the closing brace of its top-level {@code usage} object
     * (-1 when there is none), which has no {@code cost} or {@code cost_details} field; {@code usageEmpty} says
     * that object has no fields.
     */
    public static ChatResult forwarded(byte[] raw, Usage usage, String model, int usageEnd, boolean usageEmpty) {
        return new ChatResult(raw, usage, model, usageEnd, usageEmpty);
    }

    /**
     * An answer the gateway sent before and stored (the response cache), as those bytes: one token pass reads its
     * top-level {@code model} and finds its {@code usage} object, so the hit goes out as stored with the cost
     * spliced in, parsing no tree. Null when the bytes are not one JSON object with a plain usage object (or none)
     * and nothing after it; the caller then takes the tree.
     */
    public static ChatResult stored(byte[] body, Usage usage) {
        try (JsonParser p = Json.REPLIES.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String model = null;
            UsageSpan span = null;
            boolean modelSeen = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("usage")) {
                    if (span != null || v != JsonToken.START_OBJECT || (span = UsageSpan.read(p, body)) == null) {
                        return null;
                    }
                } else if (name.equals("model")) {
                    if (modelSeen) {
                        return null;
                    }
                    modelSeen = true;
                    model = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return span == null ? new ChatResult(body, usage, model, -1, false)
                    : new ChatResult(body, usage, model, span.end(), span.tree().isEmpty());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A top-level {@code usage} object read by a token pass: its tree and the offset of its closing brace in the
     * bytes, where {@link #bytes()} splices what {@link #editUsage} adds.
     */
    public record UsageSpan(ObjectNode tree, int end) {

        /**
         * With {@code p} on the {@code START_OBJECT} of the usage object of {@code body}: reads it. Null when it
         * is not a plain usage object (it has the {@code cost} or {@code cost_details} the gateway sets) or its
         * closing brace is not where the parser says.
         */
        public static UsageSpan read(JsonParser p, byte[] body) throws IOException {
            JsonNode u = Json.REPLIES.readTree(p);
            if (!(u instanceof ObjectNode uo) || uo.has("cost") || uo.has("cost_details")) {
                return null;
            }
            int end = (int) p.currentTokenLocation().getByteOffset();
            if (end < 0 || end >= body.length || body[end] != '}') {
                return null;
            }
            return new UsageSpan(uo, end);
        }
    }

    public Usage usage() {
        return usage;
    }

    /** The answer as a tree, parsed from the upstream's bytes the first time it is asked for. */
    public synchronized ObjectNode body() {
        if (body == null) {
            try {
                body = (ObjectNode) Json.REPLIES.readTree(raw);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // read once already, when it was forwarded
            }
            if (usageAdded != null && body.get("usage") instanceof ObjectNode u) {
                u.setAll(usageAdded);
            }
            usageAdded = null;
        }
        return body;
    }

    /** The top-level {@code model} of the answer when it is a string, else null; parses nothing. */
    public synchronized String model() {
        if (body == null) {
            return rawModel;
        }
        JsonNode m = body.get("model");
        return m != null && m.isTextual() ? m.asText() : null;
    }

    /** Runs {@code edit} on the answer's top-level {@code usage} object, when it has one. */
    public synchronized void editUsage(Consumer<ObjectNode> edit) {
        if (body == null) {
            if (usageEnd >= 0) {
                if (usageAdded == null) {
                    usageAdded = Json.NODES.objectNode();
                }
                edit.accept(usageAdded);
            }
            return;
        }
        if (body.get("usage") instanceof ObjectNode u) {
            edit.accept(u);
        }
    }

    /** Whether the answer is still the upstream's bytes (nothing asked for its tree). */
    public synchronized boolean isForwarded() {
        return body == null;
    }

    /** The answer as the client gets it: the upstream's bytes with the usage additions spliced in, or the tree. */
    public synchronized byte[] bytes() throws JsonProcessingException {
        if (body != null) {
            return Json.MAPPER.writeValueAsBytes(body);
        }
        if (usageAdded == null || usageAdded.isEmpty()) {
            return raw;
        }
        byte[] fields = Json.MAPPER.writeValueAsBytes(usageAdded); // {"cost":...,...}: the braces are left out
        int n = fields.length - 2;
        int comma = usageEmpty ? 0 : 1;
        byte[] out = new byte[raw.length + comma + n];
        System.arraycopy(raw, 0, out, 0, usageEnd);
        if (comma == 1) {
            out[usageEnd] = ',';
        }
        System.arraycopy(fields, 1, out, usageEnd + comma, n);
        System.arraycopy(raw, usageEnd, out, usageEnd + comma + n, raw.length - usageEnd);
        return out;
    }
}
