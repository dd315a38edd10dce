package dev.caravan.provider.gemini;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
import dev.caravan.provider.gemini.GeminiEmbeddingsWire.BatchRequest;
import dev.caravan.provider.gemini.GeminiEmbeddingsWire.BatchResponse;
import dev.caravan.provider.gemini.GeminiEmbeddingsWire.Content;
import dev.caravan.provider.gemini.GeminiEmbeddingsWire.EmbedRequest;
import dev.caravan.provider.gemini.GeminiEmbeddingsWire.Part;

/**
 * OpenAI embeddings ⇄ Gemini {@code POST /v1beta/models/{model}:batchEmbedContents}: one embed request per input
 * ({@code dimensions} → {@code outputDimensionality}), {@code embeddings[].values} → {@code data[]} in input order,
 * base64 (little-endian float32) made here when the client asked for it. Gemini reports no tokens: the prompt
 * tokens are estimated and the call flagged as estimated. Token-array inputs cannot be sent (400 naming
 * {@code input}).
 */
public final class GeminiEmbeddingsTranslator {

    private GeminiEmbeddingsTranslator() {
    }

    /** Pure: the Gemini request for {@code in} sent to {@code model}. */
    public static BatchRequest toUpstream(EmbeddingsRequest in, String model) {
        if (in.isTokens()) {
            throw ApiException.badRequest("The model 'gemini/" + model + "' takes text input only; 'input' as token "
                    + "ids cannot be sent to Gemini. Send the text instead.", "input", "invalid_value");
        }
        String name = "models/" + model;
        List<EmbedRequest> requests = new ArrayList<>(in.texts().size());
        for (String text : in.texts()) {
            requests.add(new EmbedRequest(name, new Content(List.of(new Part(text))), in.dimensions()));
        }
        return new BatchRequest(requests);
    }

    /** The exception for a Google error reply ({@code {error:{code,message,status}}}), shared with Vertex. */
    public static RuntimeException error(String provider, UpstreamResponse r) {
        return GeminiMapping.error(provider, r.status(), r.retryAfterSeconds(), GeminiMapping.parseError(r.body()));
    }

    /** Pure: the client answer for Gemini's reply to {@code in}. */
    public static EmbeddingsResult fromUpstream(String provider, UpstreamResponse r, EmbeddingsRequest in,
            String model) {
        if (!r.ok()) {
            throw GeminiMapping.error(provider, r.status(), r.retryAfterSeconds(), GeminiMapping.parseError(r.body()));
        }
        BatchResponse res;
        try {
            res = Json.MAPPER.readValue(r.body(), BatchResponse.class);
        } catch (IOException e) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a batchEmbedContents response");
        }
        if (res.error() != null) {
            throw GeminiMapping.error(provider, r.status(), null, res.error());
        }
        int n = res.embeddings() == null ? 0 : res.embeddings().size();
        if (n != in.size()) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply had " + n + " embeddings for " + in.size() + " inputs");
        }
        ObjectNode out = Json.NODES.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < n; i++) {
            var values = res.embeddings().get(i).values();
            if (values == null || !values.isArray()) {
                throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                        "embedding " + i + " had no values");
            }
            data.add(EmbeddingVectors.item(i, values, in.base64()));
        }
        out.put("model", model);
        long tokens = in.estimatedTokens();
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return new EmbeddingsResult(new ChatResult(out, new Usage(tokens, 0L, tokens, null, null, null)), true);
    }
}
