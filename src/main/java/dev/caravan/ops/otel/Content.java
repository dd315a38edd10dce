package dev.caravan.ops.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.trace.Span;

import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;
import dev.caravan.logging.Redactor;

/**
 * Prompts and completions on the server span, for keys that enabled it: {@code gen_ai.input.messages} and
 * {@code gen_ai.output.messages} in the GenAI convention's shape ({@code [{role, parts:[{type, content}]}]}),
 * redacted value by value like the access log's bodies (secrets, key-shaped strings, the configured patterns,
 * long strings cut).
 */
final class Content {

    private Content() {
    }

    static void record(Span span, ChatCall call, JsonNode reply, CallSpan cs, Redactor redactor) {
        if (call.raw() != null && call.raw().get("messages") instanceof ArrayNode messages) {
            ArrayNode in = Json.NODES.arrayNode();
            for (JsonNode m : messages) {
                in.add(message(m.path("role").asText("user"), m.get("content"), m.get("tool_calls"), null));
            }
            span.setAttribute(GenAi.INPUT_MESSAGES, redactor.redact(in).toString());
        }
        ArrayNode out = Json.NODES.arrayNode();
        if (reply != null && reply.get("choices") instanceof ArrayNode choices) {
            for (JsonNode c : choices) {
                JsonNode m = c.path("message");
                out.add(message(m.path("role").asText("assistant"), m.get("content"), m.get("tool_calls"),
                        c.path("finish_reason").asText(null)));
            }
        } else if (reply != null && reply.get("content") instanceof ArrayNode blocks) {
            out.add(message("assistant", blocks, null, reply.path("stop_reason").asText(null)));
        } else if (cs.output() != null) {
            java.util.List<String> reasons = cs.finishReasons();
            out.add(message("assistant", Json.NODES.textNode(cs.output()), null,
                    reasons.isEmpty() ? null : reasons.get(0)));
        }
        if (!out.isEmpty()) {
            span.setAttribute(GenAi.OUTPUT_MESSAGES, redactor.redact(out).toString());
        }
    }

    private static ObjectNode message(String role, JsonNode content, JsonNode toolCalls, String finishReason) {
        ObjectNode m = Json.NODES.objectNode();
        m.put("role", role);
        ArrayNode parts = m.putArray("parts");
        if (content != null && content.isTextual()) {
            parts.addObject().put("type", "text").put("content", content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode p : content) {
                String type = p.path("type").asText("");
                if (p.has("text")) {
                    parts.addObject().put("type", "text").put("content", p.get("text").asText());
                } else {
                    parts.addObject().put("type", type);
                }
            }
        }
        if (toolCalls != null && toolCalls.isArray()) {
            for (JsonNode t : toolCalls) {
                parts.addObject().put("type", "tool_call").put("id", t.path("id").asText(null))
                        .put("name", t.path("function").path("name").asText(null))
                        .put("arguments", t.path("function").path("arguments").asText(null));
            }
        }
        if (finishReason != null) {
            m.put("finish_reason", finishReason);
        }
        return m;
    }
}
