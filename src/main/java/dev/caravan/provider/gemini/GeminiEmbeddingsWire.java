package dev.caravan.provider.gemini;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code models/{model}:batchEmbedContents} request and reply (generativelanguage v1beta). */
public final class GeminiEmbeddingsWire {

    private GeminiEmbeddingsWire() {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record BatchRequest(List<EmbedRequest> requests) {
    }

    /** {@code model} is {@code models/<id>}; {@code outputDimensionality} truncates the vector (MRL models). */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record EmbedRequest(String model, Content content, Integer outputDimensionality) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Content(List<Part> parts) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Part(String text) {
    }

    /** The reply: one embedding per request, in order; no token usage is reported. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record BatchResponse(List<Embedding> embeddings, GeminiWire.ErrorBody error) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Embedding(JsonNode values) {
    }
}
