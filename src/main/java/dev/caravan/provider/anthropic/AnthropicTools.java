package dev.caravan.provider.anthropic;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Tool;
import dev.caravan.error.ApiException;
import dev.caravan.provider.anthropic.AnthropicWire.Block;
import dev.caravan.provider.anthropic.AnthropicWire.Msg;
import dev.caravan.provider.anthropic.AnthropicWire.ToolChoice;
import dev.caravan.provider.anthropic.AnthropicWire.ToolDef;

/**
 * Tools and {@code tool_choice}: function tools become Anthropic tools (schema, cache_control, strict kept);
 * {@code required} → {@code any}, a named function → {@code tool}; {@code parallel_tool_calls:false} →
 * {@code disable_parallel_tool_use}. A history with tool calls but no {@code tools} gets declarations rebuilt from
 * the history (Anthropic rejects tool blocks without them) and {@code tool_choice:none}. {@code json_object} is
 * answered through a forced tool whose input is the JSON object ({@link #JSON_TOOL}).
 */
final class AnthropicTools {

    /** The tool that carries a json_object answer; its input becomes the message content. */
    static final String JSON_TOOL = "json_response";

    record Tools(List<ToolDef> tools, ToolChoice choice) {
    }

    private AnthropicTools() {
    }

    static Tools translate(ChatRequest in, List<Msg> messages, boolean thinking, boolean jsonObject,
            List<String> dropped) {
        List<ToolDef> defs = new ArrayList<>();
        if (in.tools() != null) {
            for (int i = 0; i < in.tools().size(); i++) {
                defs.add(define(in.tools().get(i), i));
            }
        }
        if (jsonObject) {
            if (!defs.isEmpty() || thinking) {
                throw ApiException.badRequest("response_format json_object cannot be combined with "
                        + (thinking ? "reasoning_effort" : "tools") + " on Anthropic models; use json_schema.",
                        "response_format", "unsupported_combination");
            }
            ObjectNode schema = Json.NODES.objectNode().put("type", "object");
            return new Tools(List.of(new ToolDef(JSON_TOOL, "Answer with the JSON object as this tool's input.",
                    schema, null, null)), new ToolChoice("tool", JSON_TOOL, null));
        }
        boolean noParallel = Boolean.FALSE.equals(in.parallelToolCalls());
        if (defs.isEmpty()) {
            if (in.toolChoice() != null && !in.toolChoice().isNull()) {
                AnthropicMessages.note(dropped, "tool_choice");
            }
            if (noParallel) {
                AnthropicMessages.note(dropped, "parallel_tool_calls");
            }
            List<ToolDef> fromHistory = fromHistory(messages);
            return fromHistory.isEmpty() ? new Tools(null, null)
                    : new Tools(fromHistory, new ToolChoice("none", null, null));
        }
        return new Tools(defs, choice(in.toolChoice(), noParallel, thinking));
    }

    private static ToolDef define(Tool t, int i) {
        if (t.function() == null || t.function().name() == null) {
            throw ApiException.badRequest("tools[" + i + "] must be a function tool with a name; Anthropic models "
                    + "take only function tools.", "tools[" + i + "]", "unsupported_value");
        }
        JsonNode schema = t.function().parameters();
        if (schema == null || schema.isNull()) {
            schema = Json.NODES.objectNode().put("type", "object").set("properties", Json.NODES.objectNode());
        }
        return new ToolDef(t.function().name(), t.function().description(), schema, t.cacheControl(),
                t.function().strict());
    }

    private static ToolChoice choice(JsonNode tc, boolean noParallel, boolean thinking) {
        Boolean dpu = noParallel ? Boolean.TRUE : null;
        if (tc == null || tc.isNull()) {
            return noParallel ? new ToolChoice("auto", null, true) : null;
        }
        ToolChoice out;
        if (tc.isTextual()) {
            out = switch (tc.asText()) {
                case "auto" -> new ToolChoice("auto", null, dpu);
                case "none" -> new ToolChoice("none", null, null);
                case "required" -> new ToolChoice("any", null, dpu);
                default -> throw invalidChoice();
            };
        } else if ("function".equals(tc.path("type").asText()) && tc.path("function").hasNonNull("name")) {
            out = new ToolChoice("tool", tc.path("function").get("name").asText(), dpu);
        } else {
            throw invalidChoice();
        }
        if (thinking && ("any".equals(out.type()) || "tool".equals(out.type()))) {
            throw ApiException.badRequest("Anthropic models cannot be forced to call a tool while thinking: use "
                    + "tool_choice auto or none, or leave out reasoning_effort.", "tool_choice",
                    "unsupported_combination");
        }
        return out;
    }

    private static ApiException invalidChoice() {
        return ApiException.badRequest("tool_choice must be 'auto', 'none', 'required' or "
                + "{\"type\":\"function\",\"function\":{\"name\":...}} for Anthropic models.", "tool_choice",
                "unsupported_value");
    }

    /** Declarations for tools the history used when the request declares none. */
    private static List<ToolDef> fromHistory(List<Msg> messages) {
        Set<String> names = new LinkedHashSet<>();
        boolean results = false;
        for (Msg m : messages) {
            for (Block b : m.content()) {
                if ("tool_use".equals(b.type()) && b.name() != null) {
                    names.add(b.name());
                }
                results |= "tool_result".equals(b.type());
            }
        }
        if (names.isEmpty() && !results) {
            return List.of();
        }
        List<ToolDef> out = new ArrayList<>();
        for (String n : names) {
            out.add(new ToolDef(n, null, Json.NODES.objectNode().put("type", "object"), null, null));
        }
        return out;
    }
}
