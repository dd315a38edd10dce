package dev.caravan.messages;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.error.ApiException;

/**
 * Pure: the request options of a Messages call → Chat Completions ({@link MessagesToChat} does the conversation):
 * custom tools become functions, tool_choice its chat counterpart, thinking a reasoning_effort, output_config's
 * JSON schema a response_format.
 */
final class MessagesOptions {

    /** Anthropic tool_choice type → Chat Completions tool_choice (the named tool is built separately). */
    static final Map<String, String> TOOL_CHOICE = Map.of("auto", "auto", "any", "required", "none", "none");

    /** thinking.budget_tokens at or below each bound → reasoning_effort. */
    static final int LOW_BUDGET = 4_096;
    static final int MEDIUM_BUDGET = 16_384;

    private MessagesOptions() {
    }

    static void tools(ObjectNode in, ObjectNode out, boolean strict) {
        JsonNode tools = in.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode list = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                String type = t.path("type").asText("custom");
                if (!"custom".equals(type)) {
                    if (!strict) {
                        continue;
                    }
                    throw ApiException.badRequest("tools[" + i + "].type: server tools ('" + type + "') run at "
                            + "Anthropic and can only be used with anthropic/* models.", "tools[" + i + "].type",
                            "unsupported_tool");
                }
                ObjectNode f = list.addObject().put("type", "function").putObject("function");
                f.put("name", t.path("name").asText());
                if (t.hasNonNull("description")) {
                    f.put("description", t.get("description").asText());
                }
                f.set("parameters", t.get("input_schema"));
                if (t.hasNonNull("strict")) {
                    f.set("strict", t.get("strict"));
                }
            }
            if (list.isEmpty()) {
                out.remove("tools");
            }
        }
        JsonNode choice = in.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        String type = choice.path("type").asText();
        if ("tool".equals(type)) {
            ObjectNode c = out.putObject("tool_choice").put("type", "function");
            c.putObject("function").put("name", choice.path("name").asText());
        } else {
            out.put("tool_choice", TOOL_CHOICE.get(type));
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false) && out.has("tools")) {
            out.put("parallel_tool_calls", false);
        }
    }

    /** Extended thinking → reasoning_effort by budget (adaptive: medium); disabled: nothing. */
    static void thinking(JsonNode t, ObjectNode out) {
        if (t == null || !t.isObject()) {
            return;
        }
        String type = t.path("type").asText();
        if ("enabled".equals(type)) {
            int budget = t.path("budget_tokens").asInt(0);
            out.put("reasoning_effort", budget <= LOW_BUDGET ? "low" : budget <= MEDIUM_BUDGET ? "medium" : "high");
        } else if ("adaptive".equals(type)) {
            String effort = t.path("effort").asText("medium");
            out.put("reasoning_effort", List.of("low", "medium", "high").contains(effort) ? effort : "medium");
        }
    }

    static void outputFormat(JsonNode format, ObjectNode out) {
        if (format == null || !"json_schema".equals(format.path("type").asText())) {
            return;
        }
        ObjectNode rf = out.putObject("response_format").put("type", "json_schema");
        rf.putObject("json_schema").put("name", "output").set("schema", format.get("schema"));
    }
}
