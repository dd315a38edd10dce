package dev.caravan.shadow;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Json;

/**
 * One side of a shadowed call: who answered and what. The text and tool calls are compared in memory and never
 * stored; the table keeps only the figures and the comparison's result.
 *
 * @param deployment  the deployment that answered (or {@code provider/model} when the route called a provider)
 * @param outcome     {@code ok}, or what went wrong (an upstream status, {@code timeout}, {@code error})
 * @param latencyMs   the provider attempt's time; for a streamed primary, request start to end of stream
 * @param costUsd     recorded tokens at the catalog's price, null when the model has no price
 * @param text        the first choice's text, null when unknown (a native pass-through stream)
 * @param toolCalls   the first choice's tool calls, in order; null when unknown
 */
public record ShadowAnswer(String deployment, String outcome, long latencyMs, long promptTokens,
        long completionTokens, BigDecimal costUsd, String finishReason, String text, List<ToolCallView> toolCalls) {

    /** A tool call as compared: the function's name and its arguments as JSON (the raw string when not JSON). */
    public record ToolCallView(String name, JsonNode arguments) {
    }

    public boolean ok() {
        return "ok".equals(outcome);
    }

    /** An answer that failed: no figures. */
    static ShadowAnswer failed(String deployment, String outcome, long latencyMs) {
        return new ShadowAnswer(deployment, outcome, latencyMs, 0, 0, null, null, null, null);
    }

    /** The first choice's message content as text (string content, or the text parts joined); null when none. */
    static String text(JsonNode completion) {
        JsonNode content = completion.path("choices").path(0).path("message").path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            content.forEach(p -> sb.append(p.path("text").asText("")));
            return sb.toString();
        }
        return null;
    }

    static String finishReason(JsonNode completion) {
        JsonNode f = completion.path("choices").path(0).path("finish_reason");
        return f.isTextual() ? f.asText() : null;
    }

    static List<ToolCallView> toolCalls(JsonNode completion) {
        List<ToolCallView> out = new ArrayList<>();
        for (JsonNode tc : completion.path("choices").path(0).path("message").path("tool_calls")) {
            JsonNode fn = tc.path("function");
            out.add(new ToolCallView(fn.path("name").asText(""), arguments(fn.path("arguments"))));
        }
        return out;
    }

    static JsonNode arguments(JsonNode a) {
        if (a.isTextual()) {
            try {
                JsonNode parsed = Json.MAPPER.readTree(a.asText());
                return parsed == null ? a : parsed;
            } catch (Exception e) {
                return a;
            }
        }
        return a;
    }
}
