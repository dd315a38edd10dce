package dev.caravan.provider.bedrock;

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
import dev.caravan.provider.bedrock.BedrockWire.Block;
import dev.caravan.provider.bedrock.BedrockWire.Msg;
import dev.caravan.provider.bedrock.BedrockWire.ToolConfig;
import dev.caravan.provider.bedrock.BedrockWire.ToolDecl;

/**
 * OpenAI {@code tools} / {@code tool_choice} → Converse {@code toolConfig}. Converse has no "none" choice: with
 * {@code none} the tools are still declared (a history with tool blocks requires them) and the choice is dropped
 * (reported). A history with tool blocks but no tools gets minimal declarations of the names it uses, since
 * Converse refuses toolUse/toolResult blocks without a toolConfig.
 */
final class BedrockTools {

    private BedrockTools() {
    }

    static ToolConfig translate(ChatRequest in, List<Msg> history, List<String> dropped) {
        List<ToolDecl> decls = new ArrayList<>();
        boolean cache = false;
        if (in.tools() != null) {
            for (int i = 0; i < in.tools().size(); i++) {
                Tool t = in.tools().get(i);
                if (t.function() == null || t.function().name() == null) {
                    throw ApiException.badRequest("tools[" + i + "] must be a function tool with a name.",
                            "tools[" + i + "]", "unsupported_value");
                }
                if (Boolean.TRUE.equals(t.function().strict())) {
                    BedrockMessages.note(dropped, "tools[].function.strict");
                }
                JsonNode params = t.function().parameters();
                decls.add(new ToolDecl(new BedrockWire.ToolSpec(t.function().name(), t.function().description(),
                        new BedrockWire.InputSchema(params == null || params.isNull() ? emptySchema() : params)),
                        null));
                cache |= t.cacheControl() != null;
            }
        }
        if (decls.isEmpty()) {
            decls.addAll(fromHistory(history));
            if (decls.isEmpty()) {
                if (in.toolChoice() != null && !in.toolChoice().isNull()) {
                    BedrockMessages.note(dropped, "tool_choice");
                }
                return null;
            }
        }
        if (cache) {
            decls.add(new ToolDecl(null, new BedrockWire.CachePoint("default")));
        }
        if (Boolean.FALSE.equals(in.parallelToolCalls())) {
            BedrockMessages.note(dropped, "parallel_tool_calls");
        }
        return new ToolConfig(decls, choice(in.toolChoice(), in.tools() == null || in.tools().isEmpty(), dropped));
    }

    private static JsonNode choice(JsonNode tc, boolean synthesized, List<String> dropped) {
        if (tc == null || tc.isNull()) {
            return null;
        }
        ObjectNode out = Json.NODES.objectNode();
        if (tc.isTextual() && "auto".equals(tc.asText())) {
            out.putObject("auto");
        } else if (tc.isTextual() && "required".equals(tc.asText()) && !synthesized) {
            out.putObject("any");
        } else if (tc.isTextual() && "none".equals(tc.asText()) || synthesized) {
            BedrockMessages.note(dropped, "tool_choice");
            return null;
        } else if ("function".equals(tc.path("type").asText()) && tc.path("function").hasNonNull("name")) {
            out.putObject("tool").put("name", tc.path("function").get("name").asText());
        } else {
            throw ApiException.badRequest("tool_choice must be 'auto', 'none', 'required' or "
                    + "{\"type\":\"function\",\"function\":{\"name\":...}} for Bedrock models.", "tool_choice",
                    "unsupported_value");
        }
        return out;
    }

    static List<ToolDecl> fromHistory(List<Msg> history) {
        Set<String> names = new LinkedHashSet<>();
        for (Msg m : history) {
            for (Block b : m.content()) {
                if (b.toolUse() != null && b.toolUse().name() != null) {
                    names.add(b.toolUse().name());
                }
            }
        }
        List<ToolDecl> out = new ArrayList<>();
        for (String n : names) {
            out.add(new ToolDecl(new BedrockWire.ToolSpec(n, null, new BedrockWire.InputSchema(emptySchema())),
                    null));
        }
        return out;
    }

    private static ObjectNode emptySchema() {
        ObjectNode s = Json.NODES.objectNode();
        s.put("type", "object");
        s.putObject("properties");
        return s;
    }
}
