package dev.caravan.provider.bedrock;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.ResponseFormat;
import dev.caravan.error.ApiException;
import dev.caravan.provider.bedrock.BedrockWire.Msg;
import dev.caravan.provider.bedrock.BedrockWire.ToolConfig;
import dev.caravan.provider.bedrock.BedrockWire.ToolDecl;

/**
 * {@code response_format} on Converse, which has no JSON mode: the answer is produced through one forced tool.
 * {@code json_schema} declares a tool named after the schema ({@code json_response} when unnamed) whose
 * {@code inputSchema} is the schema; {@code json_object} a tool {@code json_response} with an open object schema.
 * {@code toolChoice} forces it; its input comes back as the message content ({@code finish_reason: stop}), and in
 * streams its input deltas become content deltas. Client tools and thinking cannot be combined with it (400 naming
 * {@code response_format}). Converse does not validate the input against the schema, so {@code strict: true} is
 * reported as dropped.
 */
final class BedrockStructured {

    /** The tool name when the client's schema has none, and the json_object tool. */
    static final String JSON_TOOL = "json_response";

    private BedrockStructured() {
    }

    /** The forced tool's name for {@code in}, or null when the answer is plain text. */
    static String toolName(ChatRequest in) {
        ResponseFormat f = in.responseFormat();
        if (f == null || f.type() == null || "text".equals(f.type())) {
            return null;
        }
        if ("json_schema".equals(f.type()) && f.jsonSchema() != null && f.jsonSchema().name() != null
                && !f.jsonSchema().name().isBlank()) {
            return f.jsonSchema().name();
        }
        return JSON_TOOL;
    }

    /** The toolConfig that forces the structured answer, with declarations for tools the history uses. */
    static ToolConfig translate(ChatRequest in, String model, boolean thinking, List<Msg> history,
            List<String> dropped) {
        ResponseFormat f = in.responseFormat();
        if (!"json_schema".equals(f.type()) && !"json_object".equals(f.type())) {
            throw ApiException.badRequest("response_format type must be 'text', 'json_object' or 'json_schema'; got '"
                    + f.type() + "'.", "response_format", "invalid_value");
        }
        if (in.tools() != null && !in.tools().isEmpty() || thinking) {
            throw ApiException.badRequest("response_format " + f.type() + " is answered through a forced tool on "
                    + "Bedrock and cannot be combined with " + (thinking ? "reasoning_effort" : "tools") + " for '"
                    + model + "'.", "response_format", "unsupported_combination");
        }
        JsonNode schema;
        String description;
        if ("json_schema".equals(f.type())) {
            if (f.jsonSchema() == null || f.jsonSchema().schema() == null || !f.jsonSchema().schema().isObject()) {
                throw ApiException.badRequest("response_format json_schema needs a 'json_schema.schema' object.",
                        "response_format", "invalid_value");
            }
            schema = f.jsonSchema().schema();
            description = f.jsonSchema().description();
            if (Boolean.TRUE.equals(f.jsonSchema().strict())) {
                // Converse does not validate tool input against the schema: reported, not silently promised
                BedrockMessages.note(dropped, "response_format.json_schema.strict");
            }
        } else {
            schema = Json.NODES.objectNode().put("type", "object");
            description = null;
        }
        String name = toolName(in);
        List<ToolDecl> decls = new ArrayList<>();
        decls.add(new ToolDecl(new BedrockWire.ToolSpec(name, description != null ? description
                : "Answer with the JSON object as this tool's input.", new BedrockWire.InputSchema(schema)), null));
        for (ToolDecl d : BedrockTools.fromHistory(history)) {
            if (!d.toolSpec().name().equals(name)) {
                decls.add(d);
            }
        }
        ObjectNode choice = Json.NODES.objectNode();
        choice.putObject("tool").put("name", name);
        return new ToolConfig(decls, choice);
    }
}
