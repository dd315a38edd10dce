package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat message (request), an assistant message (response) or a stream delta: the three share one shape.
 * {@code reasoning_content} is the de-facto field for thinking text (DeepSeek, Qwen, and Caravan's native
 * translators); {@code reasoning_signature} carries Anthropic/Gemini thinking signatures back and forth.
 */
public record Message(String role, Content content, String name, List<ToolCall> toolCalls, String toolCallId,
        String refusal, String reasoningContent,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Message {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static Message of(String role, String text) {
        return new Message(role, Content.of(text), null, null, null, null, null, null);
    }

    public boolean hasToolCalls() {
        return toolCalls != null && !toolCalls.isEmpty();
    }
}
