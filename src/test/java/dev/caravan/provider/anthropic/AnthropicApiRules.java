package dev.caravan.provider.anthropic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the Messages API checks before it answers, as far as a gateway can get wrong: the stub answers 400 in
 * Anthropic's error format when a request breaks one of these rules (wire-formats.md 2.2, 2.11, 7).
 */
final class AnthropicApiRules {

    private AnthropicApiRules() {
    }

    static List<String> violations(JsonNode body) {
        List<String> v = new ArrayList<>();
        if (!body.path("model").isTextual()) {
            v.add("model: Field required");
        }
        if (!body.path("max_tokens").canConvertToInt() || body.path("max_tokens").asInt() < 1) {
            v.add("max_tokens: Field required");
        }
        JsonNode system = body.get("system");
        if (system != null && !system.isTextual()) {
            system.forEach(b -> {
                if (!"text".equals(b.path("type").asText()) || b.path("text").asText().isEmpty()) {
                    v.add("system: text content blocks must be non-empty");
                }
            });
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            v.add("messages: at least one message is required");
            return v;
        }
        boolean thinking = "enabled".equals(body.path("thinking").path("type").asText())
                || "adaptive".equals(body.path("thinking").path("type").asText());
        checkThinking(body, thinking, v);
        boolean tools = body.path("tools").isArray() && !body.path("tools").isEmpty();
        String prevRole = null;
        Set<String> openToolUses = new HashSet<>();
        int lastAssistant = -1;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (!"user".equals(role) && !"assistant".equals(role)) {
                v.add("messages." + i + ".role: Input should be 'user' or 'assistant'");
            }
            if (role.equals(prevRole)) {
                v.add("messages: roles must alternate between \"user\" and \"assistant\", but found multiple \""
                        + role + "\" roles in a row");
            }
            if ("assistant".equals(role)) {
                lastAssistant = i;
            }
            openToolUses = checkBlocks(m, i, openToolUses, tools, v);
            prevRole = role;
        }
        if (thinking && lastAssistant >= 0) {
            JsonNode content = messages.get(lastAssistant).path("content");
            boolean toolUse = false;
            for (JsonNode b : content) {
                toolUse |= "tool_use".equals(b.path("type").asText());
            }
            String first = content.path(0).path("type").asText();
            if (toolUse && !"thinking".equals(first) && !"redacted_thinking".equals(first)) {
                v.add("messages." + lastAssistant + ".content.0.type: Expected `thinking` or `redacted_thinking`, "
                        + "but found `" + first + "`. When `thinking` is enabled, a final `assistant` message must "
                        + "start with a thinking block");
            }
        }
        return v;
    }

    private static void checkThinking(JsonNode body, boolean thinking, List<String> v) {
        JsonNode t = body.path("thinking");
        if ("enabled".equals(t.path("type").asText())) {
            int budget = t.path("budget_tokens").asInt();
            if (budget < 1024 || budget >= body.path("max_tokens").asInt()) {
                v.add("thinking.budget_tokens: must be >= 1024 and less than max_tokens");
            }
        }
        if (thinking) {
            String choice = body.path("tool_choice").path("type").asText();
            if ("any".equals(choice) || "tool".equals(choice)) {
                v.add("Thinking may not be enabled when tool_choice forces tool use.");
            }
            if (body.has("temperature") || body.has("top_k")) {
                v.add("temperature and top_k may not be set when thinking is enabled");
            }
        }
        if (body.path("temperature").asDouble(0) > 1.0) {
            v.add("temperature: Input should be less than or equal to 1");
        }
    }

    /** Checks one message's blocks; returns the tool_use ids the next message must answer. */
    private static Set<String> checkBlocks(JsonNode m, int i, Set<String> open, boolean tools, List<String> v) {
        Set<String> uses = new HashSet<>();
        Set<String> answered = new HashSet<>();
        boolean seenOther = false;
        JsonNode content = m.path("content");
        if (content.isTextual()) {
            if (content.asText().isEmpty()) {
                v.add("messages." + i + ": text content blocks must be non-empty");
            }
            content = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        } else if (content.isEmpty()) {
            v.add("messages." + i + ": all messages must have non-empty content");
        }
        for (JsonNode b : content) {
            String type = b.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (b.path("text").asText().isEmpty()) {
                        v.add("messages." + i + ": text content blocks must be non-empty");
                    }
                    seenOther = true;
                }
                case "tool_use" -> {
                    uses.add(b.path("id").asText());
                    if (!b.path("input").isObject() || !b.path("id").asText().matches("[a-zA-Z0-9_-]+")) {
                        v.add("messages." + i + ": tool_use needs an object input and an id of [a-zA-Z0-9_-]");
                    }
                    if (!tools) {
                        v.add("messages." + i + ": tool_use blocks require tools to be defined");
                    }
                }
                case "tool_result" -> {
                    if (seenOther) {
                        v.add("messages." + i + ": tool_result blocks must come first in the content array");
                    }
                    if (!open.contains(b.path("tool_use_id").asText())) {
                        v.add("messages." + i + ": unexpected `tool_use_id` found in `tool_result` blocks: "
                                + b.path("tool_use_id").asText());
                    }
                    answered.add(b.path("tool_use_id").asText());
                }
                default -> seenOther = true;
            }
        }
        if (!open.isEmpty() && !answered.containsAll(open)) {
            v.add("messages." + i + ": `tool_use` ids were found without `tool_result` blocks immediately after");
        }
        return uses;
    }
}
