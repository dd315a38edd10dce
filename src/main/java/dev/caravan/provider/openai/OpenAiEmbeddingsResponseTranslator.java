package dev.caravan.provider.openai;


import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.embeddings.EmbeddingVectors;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.embeddings.EmbeddingsResult;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * OpenAI-compatible embeddings reply → client answer: the provider's JSON unchanged (vectors included), its usage
 * read for pricing. Error statuses map as for chat (4xx → the client's error; 429/5xx → failover). When the client
 * asked for base64 and the server sent float arrays anyway, they are encoded; a reply without usage is priced on an
 * estimate, flagged.
 */
public final class OpenAiEmbeddingsResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        EmbeddingsRequest req = call.attachment(EmbeddingsRequest.class);
        translate(p.name(), r, req).applyTo(exchange);
    }

    /** Pure: the client answer for an upstream reply to {@code req}, or the exception it maps to. */
    public static EmbeddingsResult translate(String provider, UpstreamResponse r, EmbeddingsRequest req) {
        ObjectNode tree = r.ok() ? withRawData(r.body(), req != null && req.base64()) : null;
        if (tree == null) {
            tree = OpenAiReplies.object(provider, r, "data");
            if (!tree.path("data").isArray()) {
                throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                        "the reply had no data array");
            }
            if (req != null && req.base64()) {
                EmbeddingVectors.encodeFloatArrays(tree);
            }
        }
        JsonNode u = tree.get("usage");
        if (u != null && u.path("prompt_tokens").canConvertToLong()) {
            long prompt = u.path("prompt_tokens").asLong();
            long total = u.path("total_tokens").canConvertToLong() ? u.path("total_tokens").asLong() : prompt;
            return new EmbeddingsResult(new ChatResult(tree, new Usage(prompt, 0L, total, null, null, null)), false);
        }
        long estimate = req == null ? 0 : req.estimatedTokens();
        ObjectNode usage = tree.putObject("usage");
        usage.put("prompt_tokens", estimate);
        usage.put("total_tokens", estimate);
        return new EmbeddingsResult(new ChatResult(tree, new Usage(estimate, 0L, estimate, null, null, null)), true);
    }

    /**
     * The reply's top-level members as a tree, except {@code data}, which stays the upstream's own JSON text
     * (checked by the tokenizer, not converted): vectors go back to the client byte for byte instead of being read
     * into numbers and written again. Null when the reply does not qualify and must be read whole: not a JSON
     * object, no {@code data} array, or float arrays where the client asked for base64.
     */
    static ObjectNode withRawData(byte[] body, boolean base64) {
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode out = Json.NODES.objectNode();
            boolean data = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("data".equals(name) && value == JsonToken.START_ARRAY) {
                    long start = p.currentTokenLocation().getByteOffset();
                    if (base64 ? hasFloatArray(p) : skip(p)) {
                        return null;
                    }
                    long end = p.currentLocation().getByteOffset();
                    if (start < 0 || end <= start || end > body.length) {
                        return null;
                    }
                    out.putRawValue("data", new RawValue(
                            new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8)));
                    data = true;
                } else {
                    out.set(name, Json.MAPPER.readTree(p));
                }
            }
            return data && p.currentToken() == JsonToken.END_OBJECT ? out : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean skip(JsonParser p) throws IOException {
        p.skipChildren();
        return false;
    }

    /** Walks the {@code data} array to its end; true when an item's {@code embedding} is an array of floats. */
    private static boolean hasFloatArray(JsonParser p) throws IOException {
        int depth = 1;
        boolean floats = false;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("truncated");
            }
            if (t == JsonToken.FIELD_NAME && depth == 2 && "embedding".equals(p.currentName())) {
                JsonToken v = p.nextToken();
                floats |= v == JsonToken.START_ARRAY;
                if (v != null && v.isStructStart()) {
                    p.skipChildren();
                }
            } else if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            }
        }
        return floats;
    }
}
