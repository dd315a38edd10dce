package dev.caravan.money;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A quick upper estimate of a request's prompt tokens, for rate limits and budget reservations before the
 * provider has counted: one token per three characters of text (real tokenizers average about four for English,
 * so this errs high), four tokens of framing per message, a flat 1,000 per image, audio clip or file (their
 * base64 bytes are not text). The real counts replace the estimate when the call ends.
 */
public final class TokenEstimator {

    static final int CHARS_PER_TOKEN = 3;
    static final int PER_MESSAGE = 4;
    static final int PER_ATTACHMENT = 1_000;

    private TokenEstimator() {
    }

    public static long promptTokens(ObjectNode request) {
        if (request == null) {
            return 0;
        }
        long[] acc = new long[2]; // chars, fixed tokens
        JsonNode messages = request.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                acc[1] += PER_MESSAGE;
                walk(m, acc);
            }
        }
        JsonNode tools = request.get("tools");
        if (tools != null) {
            walk(tools, acc);
        }
        JsonNode input = request.get("input"); // POST /v1/embeddings
        if (input != null) {
            input(input, acc);
        }
        return (acc[0] + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + acc[1];
    }

    /** Embeddings input: text counts by characters, token ids (arrays of integers) count one each. */
    private static void input(JsonNode n, long[] acc) {
        if (n.isTextual()) {
            acc[0] += n.textValue().length();
        } else if (n.isIntegralNumber()) {
            acc[1]++;
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                input(c, acc);
            }
        }
    }

    private static void walk(JsonNode n, long[] acc) {
        if (n.isTextual()) {
            acc[0] += n.textValue().length();
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                walk(c, acc);
            }
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                if (name.equals("image_url") || name.equals("input_audio") || name.equals("file")) {
                    acc[1] += PER_ATTACHMENT;
                    continue;
                }
                acc[0] += name.length();
                walk(f.getValue(), acc);
            }
        } else if (!n.isNull()) {
            acc[0] += n.asText().length();
        }
    }
}
