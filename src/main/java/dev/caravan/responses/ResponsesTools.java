package dev.caravan.responses;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.error.ApiException;

/**
 * {@code tools}, {@code tool_choice} and {@code text.format} of a Responses request: validation, what a chat
 * translation cannot honour (built-in tools such as web_search, file_search, code_interpreter, computer_use,
 * image_generation, mcp), and the Chat Completions form of the rest.
 */
final class ResponsesTools {

    private ResponsesTools() {
    }

    static void check(ObjectNode body, Map<String, String> refused) {
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw ApiException.badRequest("Invalid type for 'tools': expected an array.", "tools",
                        "invalid_type");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                String at = "tools[" + i + "]";
                String type = t.path("type").asText("");
                if (type.isEmpty()) {
                    throw ApiException.badRequest("Missing required parameter: '" + at + ".type'.", at + ".type",
                            "missing_required_parameter");
                }
                if (!"function".equals(type)) {
                    refused.putIfAbsent(at + ".type", "the built-in tool '" + type
                            + "' runs inside OpenAI's Responses API");
                } else if (!t.path("name").isTextual()) {
                    throw ApiException.badRequest("Missing required parameter: '" + at + ".name'.", at + ".name",
                            "missing_required_parameter");
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isObject() && !"function".equals(choice.path("type").asText())) {
            refused.put("tool_choice", "tool_choice of type '" + choice.path("type").asText() + "'");
        } else if (choice != null && choice.isObject() && !choice.path("name").isTextual()) {
            throw ApiException.badRequest("Missing required parameter: 'tool_choice.name'.", "tool_choice.name",
                    "missing_required_parameter");
        } else if (choice != null && !choice.isNull() && !choice.isObject() && !choice.isTextual()) {
            throw ApiException.badRequest("Invalid type for 'tool_choice'.", "tool_choice", "invalid_type");
        }
        JsonNode text = body.get("text");
        if (text != null && !text.isNull()) {
            if (!text.isObject()) {
                throw ApiException.badRequest("Invalid type for 'text': expected an object.", "text",
                        "invalid_type");
            }
            text.fieldNames().forEachRemaining(f -> {
                if (!"format".equals(f)) {
                    refused.put("text." + f, "'text." + f + "' has no Chat Completions equivalent");
                }
            });
            JsonNode f = text.get("format");
            String type = f == null ? "text" : f.path("type").asText("");
            if (!type.equals("text") && !type.equals("json_object") && !type.equals("json_schema")) {
                throw ApiException.badRequest("Invalid value for 'text.format.type': expected text, json_object "
                        + "or json_schema.", "text.format.type", "invalid_value");
            }
            if (type.equals("json_schema") && (!f.path("name").isTextual() || !f.path("schema").isObject())) {
                throw ApiException.badRequest("'text.format' of type json_schema needs a name and a schema.",
                        f.path("name").isTextual() ? "text.format.schema" : "text.format.name",
                        "missing_required_parameter");
            }
        }
        JsonNode reasoning = body.get("reasoning");
        if (reasoning != null && !reasoning.isNull() && !reasoning.isObject()) {
            throw ApiException.badRequest("Invalid type for 'reasoning': expected an object.", "reasoning",
                    "invalid_type");
        }
    }

    /** Function tools → chat tools; tool_choice → its chat form. */
    static void toChat(ObjectNode body, ObjectNode chat) {
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (JsonNode t : tools) {
                if (!"function".equals(t.path("type").asText())) {
                    continue; // refused by ResponsesGate before a translated provider sees the request
                }
                ObjectNode ct = out.addObject();
                ct.put("type", "function");
                ObjectNode fn = ct.putObject("function");
                fn.put("name", t.get("name").asText());
                if (t.path("description").isTextual()) {
                    fn.put("description", t.get("description").asText());
                }
                if (t.path("parameters").isObject()) {
                    fn.set("parameters", t.get("parameters"));
                }
                if (t.path("strict").isBoolean()) {
                    fn.put("strict", t.get("strict").asBoolean());
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isTextual()) {
            chat.put("tool_choice", choice.asText());
        } else if (choice != null && choice.isObject()) {
            ObjectNode c = chat.putObject("tool_choice");
            c.put("type", "function");
            c.putObject("function").put("name", choice.get("name").asText());
        }
    }

    /** {@code text.format} → {@code response_format}. */
    static void format(ObjectNode body, ObjectNode chat) {
        JsonNode f = body.path("text").get("format");
        if (f == null) {
            return;
        }
        String type = f.path("type").asText();
        if (type.equals("json_object")) {
            chat.putObject("response_format").put("type", "json_object");
        } else if (type.equals("json_schema")) {
            ObjectNode rf = chat.putObject("response_format");
            rf.put("type", "json_schema");
            ObjectNode js = rf.putObject("json_schema");
            js.put("name", f.get("name").asText());
            if (f.path("description").isTextual()) {
                js.put("description", f.get("description").asText());
            }
            js.set("schema", f.get("schema"));
            if (f.path("strict").isBoolean()) {
                js.put("strict", f.get("strict").asBoolean());
            }
        }
    }
}
