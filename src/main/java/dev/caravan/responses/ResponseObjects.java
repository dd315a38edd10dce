package dev.caravan.responses;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

/**
 * OpenAI Response objects built from Chat Completions results (pure functions): the envelope that echoes the
 * request, output items (reasoning summary, message with output_text, function_call), usage in the Responses
 * form, and the way back from a Responses usage to Caravan's {@link Usage}.
 */
public final class ResponseObjects {

    /** finish_reason → incomplete_details.reason; finishes not listed complete the response. */
    private static final Map<String, String> INCOMPLETE = Map.of("length", "max_output_tokens",
            "content_filter", "content_filter");

    private ResponseObjects() {
    }

    /** The response object around {@code output}, echoing the request's settings. */
    static ObjectNode envelope(ResponsesCall rc, String model, String status, ArrayNode output) {
        ObjectNode req = rc.request().body();
        ObjectNode r = Json.NODES.objectNode();
        r.put("id", rc.id());
        r.put("object", "response");
        r.put("created_at", rc.createdAt());
        r.put("status", status);
        r.put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        echo(req, r, "instructions", null);
        echo(req, r, "max_output_tokens", null);
        r.put("model", model == null ? rc.request().model() : model);
        r.set("output", output);
        echo(req, r, "parallel_tool_calls", Json.NODES.booleanNode(true));
        r.put("previous_response_id", rc.request().previousId());
        ObjectNode reasoning = r.putObject("reasoning");
        echo((ObjectNode) (req.path("reasoning").isObject() ? req.get("reasoning") : Json.NODES.objectNode()),
                reasoning, "effort", null);
        echo((ObjectNode) (req.path("reasoning").isObject() ? req.get("reasoning") : Json.NODES.objectNode()),
                reasoning, "summary", null);
        r.put("store", rc.request().store());
        echo(req, r, "temperature", Json.NODES.numberNode(1.0));
        if (req.path("text").isObject()) {
            r.set("text", req.get("text"));
        } else {
            r.putObject("text").putObject("format").put("type", "text");
        }
        echo(req, r, "tool_choice", Json.NODES.textNode("auto"));
        echo(req, r, "tools", Json.NODES.arrayNode());
        echo(req, r, "top_p", Json.NODES.numberNode(1.0));
        r.put("truncation", "disabled");
        r.putNull("usage");
        echo(req, r, "user", null);
        echo(req, r, "metadata", Json.NODES.objectNode());
        return r;
    }

    private static void echo(ObjectNode from, ObjectNode to, String f, JsonNode def) {
        JsonNode v = from.get(f);
        if (v != null && !v.isNull()) {
            to.set(f, v);
        } else if (def != null) {
            to.set(f, def);
        } else {
            to.putNull(f);
        }
    }

    /** A finished {@code chat.completion} as a Response. */
    static ObjectNode fromChat(ObjectNode chat, ResponsesCall rc) {
        JsonNode choice = chat.path("choices").path(0);
        JsonNode msg = choice.path("message");
        ArrayNode output = Json.NODES.arrayNode();
        if (msg.path("reasoning_content").isTextual() && !msg.get("reasoning_content").asText().isEmpty()) {
            output.add(reasoning(ResponsesCall.newId("rs_"), msg.get("reasoning_content").asText()));
        }
        String text = msg.path("content").isTextual() ? msg.get("content").asText() : null;
        if (text != null && !text.isEmpty()) {
            output.add(message(ResponsesCall.newId("msg_"), text, "completed"));
        }
        for (JsonNode tc : msg.path("tool_calls")) {
            output.add(functionCall(ResponsesCall.newId("fc_"), tc.path("id").asText(),
                    tc.path("function").path("name").asText(), tc.path("function").path("arguments").asText(""),
                    "completed"));
        }
        String reason = INCOMPLETE.get(choice.path("finish_reason").asText(""));
        ObjectNode r = envelope(rc, chat.path("model").asText(null), reason == null ? "completed" : "incomplete",
                output);
        if (reason != null) {
            r.putObject("incomplete_details").put("reason", reason);
        }
        r.set("usage", usage(chat.get("usage")));
        return r;
    }

    static ObjectNode reasoning(String id, String summary) {
        ObjectNode it = Json.NODES.objectNode();
        it.put("id", id);
        it.put("type", "reasoning");
        ArrayNode s = it.putArray("summary");
        if (summary != null) {
            s.add(summaryPart(summary));
        }
        return it;
    }

    static ObjectNode summaryPart(String text) {
        ObjectNode p = Json.NODES.objectNode();
        p.put("type", "summary_text");
        p.put("text", text);
        return p;
    }

    static ObjectNode message(String id, String text, String status) {
        ObjectNode it = Json.NODES.objectNode();
        it.put("id", id);
        it.put("type", "message");
        it.put("status", status);
        it.put("role", "assistant");
        ArrayNode content = it.putArray("content");
        if (text != null) {
            content.add(textPart(text));
        }
        return it;
    }

    static ObjectNode textPart(String text) {
        ObjectNode p = Json.NODES.objectNode();
        p.put("type", "output_text");
        p.put("text", text);
        p.putArray("annotations");
        p.putArray("logprobs");
        return p;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        ObjectNode it = Json.NODES.objectNode();
        it.put("id", id);
        it.put("type", "function_call");
        it.put("status", status);
        it.put("arguments", arguments);
        it.put("call_id", callId);
        it.put("name", name);
        return it;
    }

    /** Chat usage (a JSON tree, cost fields included) → Responses usage. */
    static ObjectNode usage(JsonNode u) {
        if (u == null || u.isNull() || !u.isObject()) {
            return null;
        }
        ObjectNode r = Json.NODES.objectNode();
        long in = u.path("prompt_tokens").asLong(0);
        long out = u.path("completion_tokens").asLong(0);
        r.put("input_tokens", in);
        ObjectNode inDetails = r.putObject("input_tokens_details");
        inDetails.put("cached_tokens", u.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        inDetails.put("cache_write_tokens", u.path("prompt_tokens_details").path("cache_write_tokens").asLong(0));
        r.put("output_tokens", out);
        r.putObject("output_tokens_details").put("reasoning_tokens",
                u.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        r.put("total_tokens", u.path("total_tokens").asLong(in + out));
        for (String f : new String[] {"cost", "cost_details"}) {
            if (u.has(f)) {
                r.set(f, u.get(f));
            }
        }
        return r;
    }

    /** Caravan's usage (a stream's, cost applied) → Responses usage. */
    static ObjectNode usage(Usage u) {
        return u == null ? null : usage(Json.MAPPER.valueToTree(u));
    }

    /** Responses usage → Caravan's usage (for pricing and the ledger); null when absent. */
    public static Usage fromResponsesUsage(JsonNode u) {
        if (u == null || !u.isObject() || !u.path("input_tokens").canConvertToLong()) {
            return null;
        }
        long in = u.path("input_tokens").asLong();
        long out = u.path("output_tokens").asLong(0);
        long cached = u.path("input_tokens_details").path("cached_tokens").asLong(0);
        long written = u.path("input_tokens_details").path("cache_write_tokens").asLong(0);
        long reasoning = u.path("output_tokens_details").path("reasoning_tokens").asLong(0);
        return new Usage(in, out, u.path("total_tokens").asLong(in + out),
                cached > 0 || written > 0 ? new Usage.PromptDetails(cached, written > 0 ? written : null, null, null)
                        : null,
                reasoning > 0 ? new Usage.CompletionDetails(reasoning, null, null, null, null) : null, null);
    }
}
