package dev.caravan.responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.provider.SseCodec;
import dev.caravan.provider.StreamEncoder;

/**
 * Chat Completions chunks → OpenAI Responses stream events, each written as it comes (nothing is buffered):
 * response.created, response.in_progress, then per output item output_item.added, its parts and deltas
 * (reasoning summary text, output_text, function_call_arguments) and their .done events, output_item.done, and
 * finally response.completed (response.incomplete when the output cap was hit) with usage. Every event carries
 * {@code sequence_number}. A failure after the first event ends the stream with {@code error} and
 * {@code response.failed}. Events a native provider sent ({@link StreamEncoder.Verbatim}) pass unchanged.
 */
final class ResponsesStreamEncoder implements StreamEncoder {

    private final ResponsesCall rc;
    private int seq;
    private boolean started;
    private boolean verbatim;
    private String model;
    private String finishReason;
    private final List<ObjectNode> output = new ArrayList<>();
    /** The open text-like item: reasoning or message (at most one), with its text so far. */
    private ObjectNode openItem;
    private int openIndex = -1;
    private final StringBuilder openText = new StringBuilder();
    /** Function calls by the chat tool-call index → output index, and their arguments so far. */
    private final Map<Integer, Integer> calls = new TreeMap<>();
    private final Map<Integer, StringBuilder> arguments = new TreeMap<>();
    private final List<Integer> openCalls = new ArrayList<>();

    ResponsesStreamEncoder(ResponsesCall rc) {
        this.rc = rc;
    }

    @Override
    public void chunk(Object chunk, Consumer<byte[]> out) {
        if (chunk instanceof Verbatim v) {
            verbatim = true;
            out.accept(v.bytes());
            return;
        }
        JsonNode c = chunk instanceof JsonNode j ? j : Json.MAPPER.valueToTree(chunk);
        if (c.path("model").isTextual()) {
            model = c.get("model").asText();
        }
        start(out);
        JsonNode choice = c.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) {
            text("reasoning", reasoning, out);
        }
        String content = delta.path("content").asText("");
        if (!content.isEmpty()) {
            text("message", content, out);
        }
        for (JsonNode tc : delta.path("tool_calls")) {
            toolCall(tc, out);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
        }
    }

    private void start(Consumer<byte[]> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode r = ResponseObjects.envelope(rc, model, "in_progress", Json.NODES.arrayNode());
        emit("response.created", withResponse(r), out);
        emit("response.in_progress", withResponse(r), out);
    }

    private static ObjectNode withResponse(ObjectNode r) {
        ObjectNode e = Json.NODES.objectNode();
        e.set("response", r);
        return e;
    }

    private void text(String kind, String delta, Consumer<byte[]> out) {
        if (openItem == null || !kind.equals(openItem.get("type").asText())) {
            closeText(out);
            closeCalls(out);
            openIndex = output.size();
            if (kind.equals("reasoning")) {
                openItem = ResponseObjects.reasoning(ResponsesCall.newId("rs_"), null);
                output.add(openItem);
                emit("response.output_item.added", item(openItem), out);
                ObjectNode e = at();
                e.put("summary_index", 0);
                e.set("part", ResponseObjects.summaryPart(""));
                emit("response.reasoning_summary_part.added", e, out);
            } else {
                openItem = ResponseObjects.message(ResponsesCall.newId("msg_"), null, "in_progress");
                output.add(openItem);
                emit("response.output_item.added", item(openItem), out);
                ObjectNode e = at();
                e.put("content_index", 0);
                e.set("part", ResponseObjects.textPart(""));
                emit("response.content_part.added", e, out);
            }
        }
        openText.append(delta);
        ObjectNode e = at();
        if (kind.equals("reasoning")) {
            e.put("summary_index", 0);
            e.put("delta", delta);
            emit("response.reasoning_summary_text.delta", e, out);
        } else {
            e.put("content_index", 0);
            e.put("delta", delta);
            e.putArray("logprobs");
            emit("response.output_text.delta", e, out);
        }
    }

    private ObjectNode at() {
        ObjectNode e = Json.NODES.objectNode();
        e.put("item_id", openItem.get("id").asText());
        e.put("output_index", openIndex);
        return e;
    }

    private ObjectNode item(ObjectNode item) {
        ObjectNode e = Json.NODES.objectNode();
        e.put("output_index", output.indexOf(item));
        e.set("item", item.deepCopy());
        return e;
    }

    private void closeText(Consumer<byte[]> out) {
        if (openItem == null) {
            return;
        }
        String text = openText.toString();
        ObjectNode e = at();
        if ("reasoning".equals(openItem.get("type").asText())) {
            e.put("summary_index", 0);
            e.put("text", text);
            emit("response.reasoning_summary_text.done", e, out);
            ObjectNode p = at();
            p.put("summary_index", 0);
            p.set("part", ResponseObjects.summaryPart(text));
            emit("response.reasoning_summary_part.done", p, out);
            ((ArrayNode) openItem.get("summary")).add(ResponseObjects.summaryPart(text));
        } else {
            e.put("content_index", 0);
            e.put("text", text);
            e.putArray("logprobs");
            emit("response.output_text.done", e, out);
            ObjectNode p = at();
            p.put("content_index", 0);
            p.set("part", ResponseObjects.textPart(text));
            emit("response.content_part.done", p, out);
            ((ArrayNode) openItem.get("content")).add(ResponseObjects.textPart(text));
            openItem.put("status", "completed");
        }
        emit("response.output_item.done", item(openItem), out);
        openItem = null;
        openIndex = -1;
        openText.setLength(0);
    }

    private void toolCall(JsonNode tc, Consumer<byte[]> out) {
        int index = tc.path("index").asInt(0);
        Integer at = calls.get(index);
        if (at == null) {
            closeText(out);
            closeCalls(out);
            at = output.size();
            ObjectNode fc = ResponseObjects.functionCall(ResponsesCall.newId("fc_"), tc.path("id").asText(""),
                    tc.path("function").path("name").asText(""), "", "in_progress");
            output.add(fc);
            calls.put(index, at);
            arguments.put(index, new StringBuilder());
            openCalls.add(index);
            emit("response.output_item.added", item(fc), out);
        }
        String frag = tc.path("function").path("arguments").asText("");
        if (!frag.isEmpty()) {
            arguments.get(index).append(frag);
            ObjectNode e = Json.NODES.objectNode();
            e.put("item_id", output.get(at).get("id").asText());
            e.put("output_index", at);
            e.put("delta", frag);
            emit("response.function_call_arguments.delta", e, out);
        }
    }

    private void closeCalls(Consumer<byte[]> out) {
        for (int index : openCalls) {
            int at = calls.get(index);
            ObjectNode fc = output.get(at);
            String args = arguments.get(index).toString();
            ObjectNode e = Json.NODES.objectNode();
            e.put("item_id", fc.get("id").asText());
            e.put("output_index", at);
            e.put("arguments", args);
            emit("response.function_call_arguments.done", e, out);
            fc.put("arguments", args);
            fc.put("status", "completed");
            emit("response.output_item.done", item(fc), out);
        }
        openCalls.clear();
    }

    @Override
    public void end(Usage usage, String id, long created, String upstreamModel, Consumer<byte[]> out) {
        if (verbatim) {
            return; // the native stream sent its own response.completed
        }
        if (model == null) {
            model = upstreamModel;
        }
        start(out);
        closeText(out);
        closeCalls(out);
        boolean incomplete = "length".equals(finishReason) || "content_filter".equals(finishReason);
        ObjectNode r = ResponseObjects.envelope(rc, model, incomplete ? "incomplete" : "completed", finalOutput());
        if (incomplete) {
            r.putObject("incomplete_details").put("reason",
                    "length".equals(finishReason) ? "max_output_tokens" : "content_filter");
        }
        r.set("usage", ResponseObjects.usage(usage));
        emit(incomplete ? "response.incomplete" : "response.completed", withResponse(r), out);
        rc.keep(r);
    }

    private ArrayNode finalOutput() {
        ArrayNode a = Json.NODES.arrayNode();
        output.forEach(o -> a.add(o.deepCopy()));
        return a;
    }

    @Override
    public void error(ApiError error, int status, Consumer<byte[]> out) {
        ObjectNode e = Json.NODES.objectNode();
        e.put("code", error.error().code());
        e.put("message", error.error().message());
        e.put("param", error.error().param());
        emit("error", e, out);
        if (verbatim) {
            return;
        }
        start(out);
        ObjectNode r = ResponseObjects.envelope(rc, model, "failed", finalOutput());
        ObjectNode err = r.putObject("error");
        err.put("code", "server_error");
        err.put("message", error.error().message());
        emit("response.failed", withResponse(r), out);
    }

    private void emit(String type, ObjectNode event, Consumer<byte[]> out) {
        ObjectNode e = Json.NODES.objectNode();
        e.put("type", type);
        e.put("sequence_number", seq++);
        e.setAll(event);
        out.accept(SseCodec.event(type, StreamEncoder.json(e)));
    }
}
