package dev.caravan.provider.bedrock;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * AWS Bedrock Converse / ConverseStream wire format. Bedrock names are lowerCamelCase, so every record overrides
 * the gateway mapper's snake_case. One {@link Block} record serves every content block kind: only its kind's field
 * is set (a union, as in the Converse API).
 */
public final class BedrockWire {

    private BedrockWire() {
    }

    // ---- request ----

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Request(List<Msg> messages, List<Block> system, InferenceConfig inferenceConfig,
            ToolConfig toolConfig, JsonNode additionalModelRequestFields, JsonNode guardrailConfig,
            JsonNode performanceConfig) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Msg(String role, List<Block> content) {
    }

    /** text, image, document, toolUse, toolResult, reasoningContent or cachePoint. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Block(String text, Media image, Media document, ToolUse toolUse, ToolResult toolResult,
            Reasoning reasoningContent, CachePoint cachePoint, JsonNode json) {

        public static Block text(String text) {
            return new Block(text, null, null, null, null, null, null, null);
        }

        public static Block image(String format, String base64) {
            return new Block(null, new Media(format, null, new Source(base64)), null, null, null, null, null, null);
        }

        public static Block document(String format, String name, String base64) {
            return new Block(null, null, new Media(format, name, new Source(base64)), null, null, null, null, null);
        }

        public static Block toolUse(String id, String name, JsonNode input) {
            return new Block(null, null, null, new ToolUse(id, name, input), null, null, null, null);
        }

        public static Block toolResult(String id, List<Block> content, String status) {
            return new Block(null, null, null, null, new ToolResult(id, content, status), null, null, null);
        }

        public static Block reasoning(String text, String signature) {
            return new Block(null, null, null, null, null,
                    new Reasoning(new ReasoningText(text, signature), null), null, null);
        }

        public static Block redacted(String data) {
            return new Block(null, null, null, null, null, new Reasoning(null, data), null, null);
        }

        public static Block json(JsonNode json) {
            return new Block(null, null, null, null, null, null, null, json);
        }

        public static Block cache() {
            return new Block(null, null, null, null, null, null, new CachePoint("default"), null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Media(String format, String name, Source source) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Source(String bytes) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolUse(String toolUseId, String name, JsonNode input) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolResult(String toolUseId, List<Block> content, String status) {
    }

    /** Thinking text with its signature, or redacted (encrypted) thinking. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Reasoning(ReasoningText reasoningText, String redactedContent) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ReasoningText(String text, String signature) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record CachePoint(String type) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record InferenceConfig(Integer maxTokens, Double temperature, Double topP, List<String> stopSequences) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolConfig(List<ToolDecl> tools, JsonNode toolChoice) {
    }

    /** A tool declaration, or a cache point after the tools. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolDecl(ToolSpec toolSpec, CachePoint cachePoint) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolSpec(String name, String description, InputSchema inputSchema) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record InputSchema(JsonNode json) {
    }

    // ---- response ----

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Response(Output output, String stopReason, Usage usage, JsonNode metrics, JsonNode trace) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Output(Msg message) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Usage(Long inputTokens, Long outputTokens, Long totalTokens, Long cacheReadInputTokens,
            Long cacheWriteInputTokens) {
    }

    // ---- ConverseStream events (the payload of one event-stream message; its name is the :event-type header) ----

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Event(String role, Integer contentBlockIndex, Start start, Delta delta, String stopReason,
            Usage usage, String message) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Start(ToolUse toolUse) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record Delta(String text, ToolInput toolUse, ReasoningDelta reasoningContent) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ToolInput(String input) {
    }

    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    public record ReasoningDelta(String text, String signature, String redactedContent) {
    }
}
