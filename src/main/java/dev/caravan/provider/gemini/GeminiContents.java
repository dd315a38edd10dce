package dev.caravan.provider.gemini;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Content;
import dev.caravan.api.ContentPart;
import dev.caravan.api.Json;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.error.ApiException;
import dev.caravan.provider.ToolArguments;
import dev.caravan.provider.ToolCallIds;
import dev.caravan.provider.gemini.GeminiWire.Part;

/**
 * OpenAI messages → Gemini {@code systemInstruction} + {@code contents}. All system and developer messages become
 * system parts, in order; assistant → {@code model}; tool results → {@code functionResponse} parts in a user turn,
 * named after the call they answer (matched by tool-call id, since OpenAI tool messages carry no name);
 * consecutive same-role turns are merged and turns without parts are dropped; function calls get their thought
 * signature back from the tool-call id.
 */
final class GeminiContents {

    /** Google's documented placeholder for function calls that come without a signature. */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    private static final Map<String, String> MIME_BY_EXTENSION = Map.ofEntries(Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"), Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"), Map.entry("heic", "image/heic"), Map.entry("heif", "image/heif"),
            Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"), Map.entry("mp3", "audio/mp3"),
            Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"));

    record Converted(GeminiWire.Content system, List<GeminiWire.Content> contents) {
    }

    private GeminiContents() {
    }

    static Converted convert(List<Message> in, boolean placeholderSignatures, List<String> dropped) {
        Map<String, String> names = callNames(in);
        List<Part> system = new ArrayList<>();
        List<GeminiWire.Content> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Message m = in.get(i);
            if (m.name() != null) {
                note(dropped, "messages[].name");
            }
            if (m.extra().containsKey("cache_control")) {
                note(dropped, "cache_control");
            }
            switch (m.role()) {
                case "system", "developer" -> system.addAll(parts(m.content(), i, dropped));
                case "user" -> append(out, "user", parts(m.content(), i, dropped));
                case "assistant" -> append(out, "model", modelParts(m, i, placeholderSignatures, dropped));
                case "tool" -> append(out, "user", List.of(Part.response(name(m, names, i), response(m.content()))));
                default -> throw ApiException.badRequest("messages[" + i + "] has role '" + m.role()
                        + "', which Gemini models do not take; use tools and tool messages.",
                        "messages[" + i + "].role", "unsupported_value");
            }
        }
        return new Converted(system.isEmpty() ? null : new GeminiWire.Content(null, system), out);
    }

    static void note(List<String> dropped, String param) {
        if (!dropped.contains(param)) {
            dropped.add(param);
        }
    }

    private static Map<String, String> callNames(List<Message> in) {
        Map<String, String> names = new HashMap<>();
        for (Message m : in) {
            if (m.hasToolCalls()) {
                for (ToolCall tc : m.toolCalls()) {
                    if (tc.id() != null && tc.function() != null) {
                        names.put(ToolCallIds.base(tc.id()), tc.function().name());
                    }
                }
            }
        }
        return names;
    }

    private static String name(Message m, Map<String, String> names, int i) {
        String n = names.get(ToolCallIds.base(m.toolCallId()));
        if (n == null) {
            n = m.name();
        }
        if (n == null || n.isBlank()) {
            throw ApiException.badRequest("messages[" + i + "] answers tool call '" + m.toolCallId() + "', which no "
                    + "assistant message in the request made; Gemini needs the function's name.",
                    "messages[" + i + "].tool_call_id", "unknown_tool_call");
        }
        return n;
    }

    /** A function's output as the object Gemini wants: {@code {"output": <JSON or text>}}. */
    private static JsonNode response(Content c) {
        String text = c == null ? "" : c.joinedText();
        JsonNode value = Json.NODES.textNode(text);
        String t = text.trim();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                value = Json.MAPPER.readTree(t);
            } catch (java.io.IOException e) {
                // not JSON after all: the text itself is the output
            }
        }
        return Json.NODES.objectNode().set("output", value);
    }

    private static void append(List<GeminiWire.Content> out, String role, List<Part> parts) {
        if (parts.isEmpty()) {
            return;
        }
        if (!out.isEmpty() && out.get(out.size() - 1).role().equals(role)) {
            List<Part> merged = new ArrayList<>(out.get(out.size() - 1).parts());
            merged.addAll(parts);
            out.set(out.size() - 1, new GeminiWire.Content(role, merged));
        } else {
            out.add(new GeminiWire.Content(role, new ArrayList<>(parts)));
        }
    }

    private static List<Part> modelParts(Message m, int i, boolean placeholder, List<String> dropped) {
        List<Part> out = new ArrayList<>(parts(m.content(), i, dropped));
        if (!m.hasToolCalls()) {
            return out;
        }
        boolean signed = false;
        List<Part> calls = new ArrayList<>();
        for (int j = 0; j < m.toolCalls().size(); j++) {
            ToolCall tc = m.toolCalls().get(j);
            String sig = ToolCallIds.payload(tc.id(), ToolCallIds.THOUGHT);
            signed |= sig != null;
            String param = "messages[" + i + "].tool_calls[" + j + "].function.arguments";
            String args = tc.function() == null ? null : tc.function().arguments();
            calls.add(Part.call(tc.function() == null ? null : tc.function().name(), ToolArguments.object(args, param),
                    sig));
        }
        if (!signed && placeholder) {
            Part first = calls.get(0);
            calls.set(0, Part.call(first.functionCall().name(), first.functionCall().args(), SKIP_SIGNATURE));
        }
        out.addAll(calls);
        return out;
    }

    private static List<Part> parts(Content c, int i, List<String> dropped) {
        List<Part> out = new ArrayList<>();
        if (c == null) {
            return out;
        }
        if (c.isText()) {
            if (c.text() != null && !c.text().isEmpty()) {
                out.add(Part.text(c.text()));
            }
            return out;
        }
        for (int j = 0; j < c.parts().size(); j++) {
            ContentPart p = c.parts().get(j);
            String where = "messages[" + i + "].content[" + j + "]";
            if (p.cacheControl() != null) {
                note(dropped, "cache_control");
            }
            switch (p.type() == null ? "" : p.type()) {
                case "text", "refusal" -> {
                    String t = p.text() != null ? p.text() : p.refusal();
                    if (t != null && !t.isEmpty()) {
                        out.add(Part.text(t));
                    }
                }
                case "image_url" -> out.add(image(p, where, dropped));
                case "input_audio" -> out.add(audio(p.inputAudio(), where));
                case "file" -> out.add(file(p.file(), where));
                default -> throw ApiException.badRequest(where + " has type '" + p.type()
                        + "', which Gemini models do not accept.", where + ".type", "unsupported_content");
            }
        }
        return out;
    }

    private static Part image(ContentPart p, String where, List<String> dropped) {
        if (p.imageUrl() == null || p.imageUrl().url() == null) {
            throw ApiException.badRequest(where + ".image_url.url is required.", where + ".image_url.url",
                    "missing_required_parameter");
        }
        if (p.imageUrl().detail() != null) {
            note(dropped, "image_url.detail");
        }
        String url = p.imageUrl().url();
        if (url.startsWith("data:")) {
            return dataPart(url, where + ".image_url.url");
        }
        return Part.file(mimeOf(url, "image/jpeg"), url);
    }

    private static Part audio(JsonNode a, String where) {
        if (a == null || !a.hasNonNull("data")) {
            throw ApiException.badRequest(where + ".input_audio.data is required.", where + ".input_audio.data",
                    "missing_required_parameter");
        }
        return Part.inline("audio/" + a.path("format").asText("wav"), a.get("data").asText());
    }

    private static Part file(JsonNode f, String where) {
        if (f != null && f.hasNonNull("file_data")) {
            String data = f.get("file_data").asText();
            return data.startsWith("data:") ? dataPart(data, where + ".file.file_data")
                    : Part.inline(mimeOf(f.path("filename").asText(""), "application/pdf"), data);
        }
        if (f != null && f.hasNonNull("file_id")) {
            String id = f.get("file_id").asText();
            return Part.file(mimeOf(f.path("filename").asText(id), "application/pdf"), id);
        }
        throw ApiException.badRequest(where + ".file needs file_data or file_id.", where + ".file",
                "missing_required_parameter");
    }

    private static Part dataPart(String uri, String param) {
        int comma = uri.indexOf(',');
        int semi = uri.indexOf(";base64");
        if (comma < 0 || semi < 0 || semi > comma) {
            throw ApiException.badRequest(param + " must be a base64 data: URI.", param, "invalid_value");
        }
        return Part.inline(uri.substring(5, semi).toLowerCase(Locale.ROOT), uri.substring(comma + 1));
    }

    static String mimeOf(String name, String fallback) {
        String path = name;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? fallback
                : MIME_BY_EXTENSION.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), fallback);
    }
}
