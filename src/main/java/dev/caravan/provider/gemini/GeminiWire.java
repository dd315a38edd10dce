package dev.caravan.provider.gemini;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Gemini {@code generateContent} wire format (v1beta). Gemini names are lowerCamelCase, so every record overrides
 * the gateway mapper's snake_case. One {@link Part} record serves every part kind: only its kind's field is set.
 */
public final class GeminiWire {

    private GeminiWire() {
    }

    // ---- request ----

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Request(Content systemInstruction, List<Content> contents, List<ToolDecl> tools,
            ToolConfig toolConfig, GenerationConfig generationConfig, JsonNode safetySettings, String cachedContent) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Content(String role, List<Part> parts) {
    }

    /** text (with {@code thought} for thought summaries), inlineData, fileData, functionCall, functionResponse. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Part(String text, Boolean thought, String thoughtSignature, Blob inlineData, FileData fileData,
            FunctionCall functionCall, FunctionResponse functionResponse) {

        public static Part text(String text) {
            return new Part(text, null, null, null, null, null, null);
        }

        public static Part inline(String mimeType, String data) {
            return new Part(null, null, null, new Blob(mimeType, data), null, null, null);
        }

        public static Part file(String mimeType, String uri) {
            return new Part(null, null, null, null, new FileData(mimeType, uri), null, null);
        }

        public static Part call(String name, JsonNode args, String signature) {
            return new Part(null, null, signature, null, null, new FunctionCall(null, name, args), null);
        }

        public static Part response(String name, JsonNode response) {
            return new Part(null, null, null, null, null, null, new FunctionResponse(name, response));
        }
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Blob(String mimeType, String data) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record FileData(String mimeType, String fileUri) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record FunctionCall(String id, String name, JsonNode args) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record FunctionResponse(String name, JsonNode response) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolDecl(List<FunctionDecl> functionDeclarations) {
    }

    /** {@code parametersJsonSchema} takes full JSON Schema, so OpenAI tool schemas pass without cleaning. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record FunctionDecl(String name, String description, JsonNode parametersJsonSchema) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolConfig(FunctionCallingConfig functionCallingConfig) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record GenerationConfig(Integer maxOutputTokens, Double temperature, Double topP, Integer topK,
            List<String> stopSequences, Integer candidateCount, Long seed, Double presencePenalty,
            Double frequencyPenalty, String responseMimeType, JsonNode responseJsonSchema,
            ThinkingConfig thinkingConfig) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ThinkingConfig(Boolean includeThoughts, Integer thinkingBudget, String thinkingLevel) {
    }

    // ---- reply (also each stream event) ----

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Response(List<Candidate> candidates, PromptFeedback promptFeedback, UsageMetadata usageMetadata,
            String modelVersion, String responseId, ErrorBody error) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Candidate(Content content, String finishReason, Integer index) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record PromptFeedback(String blockReason) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record UsageMetadata(Long promptTokenCount, Long candidatesTokenCount, Long thoughtsTokenCount,
            Long cachedContentTokenCount, Long toolUsePromptTokenCount, Long totalTokenCount) {
    }

    // ---- errors: google.rpc.Status ----

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ErrorReply(ErrorBody error) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ErrorBody(Integer code, String message, String status, List<JsonNode> details) {
    }
}
