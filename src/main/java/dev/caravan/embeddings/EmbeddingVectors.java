package dev.caravan.embeddings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;

/**
 * Embedding vectors in OpenAI's two encodings: a JSON array of floats, or ({@code encoding_format: base64}) the
 * base64 of the vector as little-endian float32, which is what OpenAI returns and its SDKs decode.
 */
public final class EmbeddingVectors {

    private EmbeddingVectors() {
    }

    /** The base64 of {@code values} as little-endian float32. */
    public static String base64(JsonNode values) {
        ByteBuffer buf = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode v : values) {
            buf.putFloat(v.floatValue());
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }

    /** The floats of a base64 vector (for tests and clients of Caravan's own). */
    public static float[] floats(String base64) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / Float.BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getFloat();
        }
        return out;
    }

    /** One OpenAI {@code embedding} object: the vector as given, or as base64 when asked for. */
    public static ObjectNode item(int index, JsonNode values, boolean base64) {
        ObjectNode o = Json.NODES.objectNode();
        o.put("object", "embedding");
        o.put("index", index);
        if (base64) {
            o.put("embedding", base64(values));
        } else {
            o.set("embedding", values);
        }
        return o;
    }

    /**
     * For a client that asked for base64: float arrays an upstream sent anyway (servers that ignore
     * {@code encoding_format}) become base64; vectors already in base64 stay exactly as sent.
     */
    public static void encodeFloatArrays(ObjectNode body) {
        if (!(body.get("data") instanceof ArrayNode data)) {
            return;
        }
        for (JsonNode d : data) {
            if (d instanceof ObjectNode o && o.get("embedding") instanceof ArrayNode a) {
                o.put("embedding", base64(a));
            }
        }
    }
}
