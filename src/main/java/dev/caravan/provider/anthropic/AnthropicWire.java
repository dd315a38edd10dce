package dev.caravan.provider.anthropic;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Anthropic Messages API wire format (snake_case, like {@code Json.MAPPER}). One {@link Block} record serves every
 * content-block type: only the fields of its {@code type} are set, the others stay null and are not written.
 */
public final class AnthropicWire {

    private AnthropicWire() {
    }

    // ---- request ----

    public record Request(String model, Integer maxTokens, List<Block> system, List<Msg> messages,
            List<String> stopSequences, Boolean stream, Double temperature, Double topP, Integer topK,
            List<ToolDef> tools, ToolChoice toolChoice, Thinking thinking, OutputConfig outputConfig,
            Metadata metadata) {
    }

    public record Msg(String role, List<Block> content) {
    }

    /**
     * A content block: {@code text}, {@code image}, {@code document}, {@code tool_use}, {@code tool_result},
     * {@code thinking}, {@code redacted_thinking} (and, in replies, server tool blocks, kept as unknown).
     * {@code content} is a tool result's string or block list.
     */
    public record Block(String type, String text, Source source, String id, String name, JsonNode input,
            String toolUseId, Object content, Boolean isError, String thinking, String signature, String data,
            JsonNode cacheControl) {

        public static Block text(String text, JsonNode cacheControl) {
            return new Block("text", text, null, null, null, null, null, null, null, null, null, null, cacheControl);
        }

        public static Block source(String type, Source source, JsonNode cacheControl) {
            return new Block(type, null, source, null, null, null, null, null, null, null, null, null, cacheControl);
        }

        public static Block toolUse(String id, String name, JsonNode input) {
            return new Block("tool_use", null, null, id, name, input, null, null, null, null, null, null, null);
        }

        public static Block toolResult(String toolUseId, Object content, JsonNode cacheControl) {
            return new Block("tool_result", null, null, null, null, null, toolUseId, content, null, null, null, null,
                    cacheControl);
        }

        public static Block thinking(String thinking, String signature) {
            return new Block("thinking", null, null, null, null, null, null, null, null, thinking, signature, null,
                    null);
        }

        public static Block redacted(String data) {
            return new Block("redacted_thinking", null, null, null, null, null, null, null, null, null, null, data,
                    null);
        }

        public Block withCacheControl(JsonNode cc) {
            return new Block(type, text, source, id, name, input, toolUseId, content, isError, thinking, signature,
                    data, cc);
        }

        public boolean thinkingBlock() {
            return "thinking".equals(type) || "redacted_thinking".equals(type);
        }
    }

    /** An image or document source: base64 ({@code media_type}, {@code data}), url, file ({@code file_id}). */
    public record Source(String type, String mediaType, String data, String url, String fileId) {
    }

    public record ToolDef(String name, String description, JsonNode inputSchema, JsonNode cacheControl,
            Boolean strict) {
    }

    public record ToolChoice(String type, String name, Boolean disableParallelToolUse) {
    }

    /** {@code enabled} with {@code budget_tokens}, or {@code adaptive} with {@code display}. */
    public record Thinking(String type, Integer budgetTokens, String display) {
    }

    public record OutputConfig(String effort, Format format) {
    }

    public record Format(String type, JsonNode schema) {
    }

    public record Metadata(String userId) {
    }

    // ---- reply ----

    public record Response(String id, String type, String role, String model, List<Block> content,
            String stopReason, String stopSequence, Usage usage) {
    }

    public record Usage(Long inputTokens, Long outputTokens, Long cacheCreationInputTokens,
            Long cacheReadInputTokens, OutputDetails outputTokensDetails) {
    }

    public record OutputDetails(Long thinkingTokens) {
    }

    // ---- stream ----

    /** One stream event; {@code type} equals the SSE event name. */
    public record Event(String type, Response message, Integer index, Block contentBlock, Delta delta, Usage usage,
            ErrorBody error) {
    }

    public record Delta(String type, String text, String partialJson, String thinking, String signature,
            String stopReason, String stopSequence) {
    }

    // ---- errors ----

    public record ErrorReply(String type, ErrorBody error, String requestId) {
    }

    public record ErrorBody(String type, String message) {
    }
}
