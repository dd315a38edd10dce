package dev.caravan.provider.vertex;

import java.io.IOException;

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
import dev.caravan.provider.gemini.GeminiEmbeddingsTranslator;

/**
 * OpenAI embeddings ⇄ Vertex AI {@code publishers/google/models/{model}:predict} (text-embedding-005,
 * text-multilingual-embedding-002, gemini-embedding-001, …): one instance {@code {"content"}} per input (with the
 * client's {@code task_type} when given), {@code dimensions} → {@code parameters.outputDimensionality};
 * {@code predictions[].embeddings.values} → {@code data[]} in input order, usage = the sum of
 * {@code statistics.token_count} (estimated and flagged when a prediction has none). Vertex takes at most 250
 * instances per call, and the {@code gemini-embedding} models one: more is a 400 naming {@code input}, before any
 * upstream call. Base64 is made here from the floats when the client asked for it.
 */
public final class VertexEmbeddings {

    /** Vertex's limit on instances per predict call. */
    static final int MAX_INSTANCES = 250;
    /** Models that take a single instance per call. */
    static final String SINGLE_INSTANCE_PREFIX = "gemini-embedding";

    private VertexEmbeddings() {
    }

    /** Pure: the predict body for {@code in}; {@code taskType} is the client's {@code task_type} or null. */
    public static ObjectNode toUpstream(EmbeddingsRequest in, String model, String taskType) {
        if (in.isTokens()) {
            throw ApiException.badRequest("The model 'vertex/" + model + "' takes text input only; 'input' as token "
                    + "ids cannot be sent to Vertex AI. Send the text instead.", "input", "invalid_value");
        }
        int max = model.startsWith(SINGLE_INSTANCE_PREFIX) ? 1 : MAX_INSTANCES;
        if (in.size() > max) {
            throw ApiException.badRequest("The model 'vertex/" + model + "' embeds at most " + max + " text"
                    + (max == 1 ? "" : "s") + " per request; 'input' has " + in.size() + " items.", "input",
                    "array_above_max_length");
        }
        ObjectNode o = Json.NODES.objectNode();
        ArrayNode instances = o.putArray("instances");
        for (String text : in.texts()) {
            ObjectNode i = instances.addObject();
            i.put("content", text);
            if (taskType != null) {
                i.put("task_type", taskType);
            }
        }
        if (in.dimensions() != null) {
            o.putObject("parameters").put("outputDimensionality", in.dimensions());
        }
        return o;
    }

    /** Pure: the client answer for Vertex's reply to {@code in}, or the exception an error reply maps to. */
    public static EmbeddingsResult fromUpstream(String provider, UpstreamResponse r, EmbeddingsRequest in,
            String model) {
        if (!r.ok()) {
            throw GeminiEmbeddingsTranslator.error(provider, r);
        }
        JsonNode res;
        try {
            res = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw bad(provider, r, "the reply was not a predict response");
        }
        JsonNode predictions = res.path("predictions");
        if (!predictions.isArray() || predictions.size() != in.size()) {
            throw bad(provider, r, "the reply had " + (predictions.isArray() ? predictions.size() : 0)
                    + " predictions for " + in.size() + " inputs");
        }
        ObjectNode out = Json.NODES.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        long counted = 0;
        boolean allCounted = true;
        for (int i = 0; i < predictions.size(); i++) {
            JsonNode e = predictions.get(i).path("embeddings");
            if (!e.path("values").isArray()) {
                throw bad(provider, r, "prediction " + i + " had no values");
            }
            data.add(EmbeddingVectors.item(i, e.get("values"), in.base64()));
            JsonNode n = e.path("statistics").path("token_count");
            if (n.isNumber()) {
                counted += n.asLong();
            } else {
                allCounted = false;
            }
        }
        out.put("model", model);
        long tokens = allCounted ? counted : in.estimatedTokens();
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return new EmbeddingsResult(new ChatResult(out, new Usage(tokens, 0L, tokens, null, null, null)),
                !allCounted);
    }

    private static ProviderUnavailable bad(String provider, UpstreamResponse r, String why) {
        return new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null, why);
    }
}
