package dev.caravan.provider.openai;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamTranslator;

/**
 * OpenAI-compatible stream events → client chunks. Chunks pass through as the provider sent them, except:
 * usage is taken out of wherever the provider put it (its own usage chunk, a content chunk, Groq's
 * {@code x_groq}) and re-emitted once at the end by the session; chunks with no choices and no usage (Azure's
 * prompt-filter chunk) are dropped; finish reasons are normalized; tool-call fragments get a correct
 * {@code index} (Mistral omits it, Ollama sends 0 for every parallel call).
 */
public final class OpenAiStreamTranslator implements StreamTranslator {

    private final OpenAiQuirks quirks;
    /** Per choice: tool-call id → index, and the index of the call the last fragment belonged to. */
    private final Map<Integer, Map<String, Integer>> toolIndexes = new HashMap<>();
    /** Per choice: the index the provider used → the index it now stands for (the call that last used it). */
    private final Map<Integer, Map<Integer, Integer>> upstreamIndexes = new HashMap<>();
    private final Map<Integer, Integer> lastToolIndex = new HashMap<>();

    public OpenAiStreamTranslator(OpenAiQuirks quirks) {
        this.quirks = quirks;
    }

    @Override
    public void onEvent(SseEvent event, ChunkSink out) throws Exception {
        String data = event.data();
        if (data.isEmpty()) {
            return;
        }
        if ("[DONE]".equals(data.trim())) {
            out.done();
            return;
        }
        JsonNode root = Json.REPLIES.readTree(data);
        if (!(root instanceof ObjectNode chunk)) {
            return;
        }
        // in-band errors: {"error":{...}} (OpenRouter, OpenAI), the flat {"object":"error",...} (vLLM, Mistral),
        // or an SSE event named error
        if (chunk.has("error") || "error".equals(chunk.path("object").asText()) || "error".equals(event.event())) {
            JsonNode code = chunk.path("error").path("code");
            int status = code.isInt() && code.asInt() >= 400 && code.asInt() < 600 ? code.asInt() : 500;
            out.error(status, ErrorMapper.parseOpenAiStyle(chunk));
            return;
        }
        if (chunk.hasNonNull("id")) {
            out.meta(chunk.get("id").asText(), chunk.path("created").asLong(), chunk.path("model").asText(null));
        }
        Usage usage = OpenAiResponseTranslator.usageOf(chunk);
        if (usage != null) {
            out.usage(usage);
            if (chunk.get("usage") != null && !chunk.get("usage").isNull()) {
                chunk.putNull("usage");
            }
        }
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return; // usage-only chunk (re-emitted at the end) or a provider annotation without content
        }
        for (JsonNode c : choices) {
            if (c instanceof ObjectNode choice) {
                fixChoice(choice, out);
            }
        }
        out.chunk(chunk);
    }

    private void fixChoice(ObjectNode choice, ChunkSink out) {
        JsonNode fr = choice.get("finish_reason");
        if (fr != null && fr.isTextual()) {
            String mapped = quirks.finishReason(fr.asText());
            if (!mapped.equals(fr.asText())) {
                choice.put("native_finish_reason", fr.asText());
                choice.put("finish_reason", mapped);
            }
            out.finished();
        }
        JsonNode calls = choice.path("delta").get("tool_calls");
        if (calls == null || !calls.isArray()) {
            return;
        }
        int ci = choice.path("index").asInt(0);
        Map<String, Integer> byId = toolIndexes.computeIfAbsent(ci, k -> new HashMap<>());
        Map<Integer, Integer> remap = upstreamIndexes.computeIfAbsent(ci, k -> new HashMap<>());
        for (JsonNode n : calls) {
            if (!(n instanceof ObjectNode call)) {
                continue;
            }
            Integer sent = call.hasNonNull("index") ? call.get("index").asInt() : null;
            Integer index;
            if (call.hasNonNull("id")) {
                String id = call.get("id").asText();
                index = byId.get(id);
                if (index == null) {
                    index = sent != null && !byId.containsValue(sent) ? sent : byId.size();
                    while (byId.containsValue(index)) {
                        index++;
                    }
                    byId.put(id, index);
                }
                if (sent != null) {
                    remap.put(sent, index);
                }
            } else if (sent != null) {
                index = remap.getOrDefault(sent, sent);
            } else {
                index = lastToolIndex.getOrDefault(ci, 0);
            }
            call.put("index", index);
            lastToolIndex.put(ci, index);
        }
    }
}
