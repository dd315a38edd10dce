package dev.caravan.provider.bedrock;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.embeddings.EmbeddingVectors;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.embeddings.EmbeddingsResult;
import dev.caravan.error.ApiException;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.UpstreamResponse;

/**
 * OpenAI embeddings ⇄ Bedrock {@code InvokeModel} for the two embedding families Bedrock hosts. Amazon Titan Text
 * Embeddings ({@code amazon.titan-embed-text-*}) embeds one text per call: {@code {"inputText", "dimensions",
 * "normalize"}} → {@code {"embedding", "inputTextTokenCount"}}; a request with several inputs is refused with a
 * 400 naming {@code input} (one call per input would multiply the latency and the throttling risk of a single
 * client request behind the client's back). Cohere Embed ({@code cohere.embed-*}) takes up to 96 texts:
 * {@code {"texts", "input_type"}} → {@code {"embeddings": [[...]]}}; {@code input_type} is the client's
 * {@code input_type} field when given (search_query for queries), else {@code search_document}. Usage comes from
 * Titan's token count, else from the {@code x-amzn-bedrock-input-token-count} reply header, else it is estimated
 * and flagged. Base64 is made here from the floats when the client asked for it.
 */
public final class BedrockEmbeddings {

    /** The model families: how a model id (foundation model, inference profile or ARN) is recognised. */
    enum Family { TITAN, COHERE }

    static final Map<String, Family> FAMILIES = Map.of("amazon.titan-embed-text", Family.TITAN, "cohere.embed",
            Family.COHERE);
    static final Set<String> COHERE_INPUT_TYPES = Set.of("search_document", "search_query", "classification",
            "clustering");
    /** Cohere Embed on Bedrock takes at most this many texts per call. */
    static final int COHERE_MAX_TEXTS = 96;
    static final String TOKEN_HEADER = "x-amzn-bedrock-input-token-count";

    private BedrockEmbeddings() {
    }

    /** The family of {@code model}, or a 400 naming the model when Caravan cannot embed with it. */
    static Family family(String model) {
        for (Map.Entry<String, Family> e : FAMILIES.entrySet()) {
            if (model.contains(e.getKey())) {
                return e.getValue();
            }
        }
        throw ApiException.badRequest("The model 'bedrock/" + model + "' is not an embedding model this gateway "
                + "can call on Bedrock: use amazon.titan-embed-text-v2:0, cohere.embed-english-v3 or "
                + "cohere.embed-multilingual-v3.", "model", "model_not_supported");
    }

    /** Pure: the InvokeModel body for {@code in} sent to {@code model}; {@code inputType} is the client's or null. */
    public static ObjectNode toUpstream(EmbeddingsRequest in, String model, String inputType) {
        Family f = family(model);
        if (in.isTokens()) {
            throw ApiException.badRequest("The model 'bedrock/" + model + "' takes text input only; 'input' as token "
                    + "ids cannot be sent to Bedrock. Send the text instead.", "input", "invalid_value");
        }
        ObjectNode o = Json.NODES.objectNode();
        if (f == Family.TITAN) {
            if (in.size() > 1) {
                throw ApiException.badRequest("The model 'bedrock/" + model + "' embeds one text per request; "
                        + "'input' has " + in.size() + " items. Send one request per text.", "input",
                        "array_above_max_length");
            }
            o.put("inputText", in.texts().get(0));
            if (in.dimensions() != null) {
                o.put("dimensions", in.dimensions());
            }
            if (!model.contains("titan-embed-text-v1")) {
                o.put("normalize", true);
            }
            return o;
        }
        if (in.dimensions() != null) {
            throw ApiException.badRequest("The model 'bedrock/" + model + "' has a fixed vector size; 'dimensions' "
                    + "cannot be set.", "dimensions", "unsupported_value");
        }
        if (in.size() > COHERE_MAX_TEXTS) {
            throw ApiException.badRequest("The model 'bedrock/" + model + "' embeds at most " + COHERE_MAX_TEXTS
                    + " texts per request; 'input' has " + in.size() + ".", "input", "array_above_max_length");
        }
        if (inputType != null && !COHERE_INPUT_TYPES.contains(inputType)) {
            throw ApiException.badRequest("Invalid value for 'input_type': '" + inputType + "'. Supported values "
                    + "are: 'search_document', 'search_query', 'classification' and 'clustering'.", "input_type",
                    "invalid_value");
        }
        ArrayNode texts = o.putArray("texts");
        in.texts().forEach(texts::add);
        o.put("input_type", inputType == null ? "search_document" : inputType);
        return o;
    }

    /** Pure: the client answer for Bedrock's reply to {@code in}, or the exception an error reply maps to. */
    public static EmbeddingsResult fromUpstream(String provider, UpstreamResponse r, EmbeddingsRequest in,
            String model) {
        if (!r.ok()) {
            throw BedrockResponseTranslator.error(provider, r);
        }
        JsonNode res;
        try {
            res = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw bad(provider, r, "the reply was not an InvokeModel embeddings response");
        }
        ArrayNode vectors = Json.NODES.arrayNode();
        Long counted = null;
        if (family(model) == Family.TITAN) {
            if (!res.path("embedding").isArray()) {
                throw bad(provider, r, "the reply had no embedding");
            }
            vectors.add(res.get("embedding"));
            counted = res.path("inputTextTokenCount").isIntegralNumber() ? res.get("inputTextTokenCount").asLong()
                    : null;
        } else {
            JsonNode e = res.path("embeddings");
            vectors.addAll((ArrayNode) (e.isArray() ? e : e.path("float").isArray() ? e.get("float")
                    : Json.NODES.arrayNode()));
        }
        if (vectors.size() != in.size()) {
            throw bad(provider, r, "the reply had " + vectors.size() + " embeddings for " + in.size() + " inputs");
        }
        if (counted == null) {
            counted = r.headers().firstValue(TOKEN_HEADER).map(BedrockEmbeddings::longOrNull).orElse(null);
        }
        ObjectNode out = Json.NODES.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            if (!vectors.get(i).isArray()) {
                throw bad(provider, r, "embedding " + i + " was not an array of numbers");
            }
            data.add(EmbeddingVectors.item(i, vectors.get(i), in.base64()));
        }
        out.put("model", model);
        long tokens = counted != null ? counted : in.estimatedTokens();
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return new EmbeddingsResult(new ChatResult(out, new Usage(tokens, 0L, tokens, null, null, null)),
                counted == null);
    }

    private static Long longOrNull(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ProviderUnavailable bad(String provider, UpstreamResponse r, String why) {
        return new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null, why);
    }
}
