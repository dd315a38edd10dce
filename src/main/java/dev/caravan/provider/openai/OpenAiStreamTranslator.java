package dev.caravan.provider.openai;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamTranslator;

/**
 * OpenAI-compatible stream events → client chunks. Chunks pass through as the provider sent them (content deltas
 * as their very text: {@link #passThrough}), except:
 * usage is taken out of wherever the provider put it (its own usage chunk, a content chunk, Groq's
 * {@code x_groq}) and re-emitted once at the end by the session; chunks with no choices and no usage (Azure's
 * prompt-filter chunk) are dropped; finish reasons are normalized; tool-call fragments get a correct
 * {@code index} (Mistral omits it, Ollama sends 0 for every parallel call).
 */
public final class OpenAiStreamTranslator implements StreamTranslator {

    /** The gateway's JSON settings without duplicate-key tracking, as the tree path reads replies (Json.REPLIES). */
    private static final JsonFactory SCAN = Json.MAPPER.getFactory().copy()
            .disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final OpenAiQuirks quirks;
    /** Per choice: tool-call id → index, and the index of the call the last fragment belonged to. */
    private final Map<Integer, Map<String, Integer>> toolIndexes = new HashMap<>();
    /** Per choice: the index the provider used → the index it now stands for (the call that last used it). */
    private final Map<Integer, Map<Integer, Integer>> upstreamIndexes = new HashMap<>();
    private final Map<Integer, Integer> lastToolIndex = new HashMap<>();
    /** The stream's id, created and model went to the sink (it keeps the first; later chunks need not say). */
    private boolean metaSent;

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
        if (out.takesRawChunks() && event.event() == null && data.indexOf('\n') < 0 && passThrough(data, out)) {
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
            metaSent = true;
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

    /**
     * Most chunks of a stream are content deltas that need no change: one token pass over the text checks that
     * (no usage, error, finish reason or tool call; at least one choice) and the text goes to the client as the
     * provider sent it, without a tree and a re-serialisation. Anything else returns false and takes the tree path.
     */
    private boolean passThrough(String data, ChunkSink out) throws java.io.IOException {
        String id = null;
        String model = null;
        long created = 0;
        boolean choices = false;
        try (JsonParser p = SCAN.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "choices" -> {
                        if (v != JsonToken.START_ARRAY || !plainChoices(p)) {
                            return false;
                        }
                        choices = true;
                    }
                    case "usage" -> {
                        if (v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                    }
                    case "error", "x_groq" -> {
                        return false;
                    }
                    case "object" -> {
                        if (v != JsonToken.VALUE_STRING || "error".equals(p.getText())) {
                            return false;
                        }
                    }
                    case "id" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return false;
                        }
                        id = metaSent ? null : p.getText();
                    }
                    case "created" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            return false;
                        }
                        created = metaSent ? 0 : p.getLongValue();
                    }
                    case "model" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return false;
                        }
                        model = metaSent ? null : p.getText();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || !choices) {
                return false;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
            return false; // the tree path reports it as before
        }
        if (id != null) {
            out.meta(id, created, model);
            metaSent = true;
        }
        out.chunk(new StreamEncoder.RawChunk(data));
        return true;
    }

    /** At the start of {@code choices}: true when there is at least one and none finishes or calls a tool. */
    private static boolean plainChoices(JsonParser p) throws java.io.IOException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            n++;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("finish_reason".equals(name)) {
                    if (v != JsonToken.VALUE_NULL) {
                        return false;
                    }
                } else if ("delta".equals(name) && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        boolean toolCalls = "tool_calls".equals(p.currentName());
                        if (p.nextToken() != JsonToken.VALUE_NULL && toolCalls) {
                            return false;
                        }
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return t == JsonToken.END_ARRAY && n > 0;
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
