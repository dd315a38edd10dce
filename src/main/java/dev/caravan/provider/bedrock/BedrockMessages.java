package dev.caravan.provider.bedrock;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Content;
import dev.caravan.api.ContentPart;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.error.ApiException;
import dev.caravan.provider.ToolArguments;
import dev.caravan.provider.ToolCallIds;
import dev.caravan.provider.bedrock.BedrockWire.Block;
import dev.caravan.provider.bedrock.BedrockWire.Msg;

/**
 * OpenAI messages → Converse {@code system} + alternating {@code messages}. System and developer messages become
 * system text blocks wherever they stand; tool messages become {@code toolResult} blocks in a user turn (before
 * that turn's text); consecutive same-role turns are merged; {@code cache_control} on a part or message becomes a
 * {@code cachePoint} after it; images and documents must be inline (Converse takes bytes or S3, never URLs); an
 * assistant turn's {@code reasoning_content} with its {@code reasoning_signature} is replayed as reasoningContent.
 */
final class BedrockMessages {

    record Converted(List<Block> system, List<Msg> messages) {
    }

    /** Media type → (block kind, Converse format). */
    private static final Map<String, String[]> MEDIA = Map.of("image/jpeg", new String[] {"image", "jpeg"},
            "image/jpg", new String[] {"image", "jpeg"}, "image/png", new String[] {"image", "png"},
            "image/gif", new String[] {"image", "gif"}, "image/webp", new String[] {"image", "webp"},
            "application/pdf", new String[] {"document", "pdf"}, "text/plain", new String[] {"document", "txt"},
            "text/csv", new String[] {"document", "csv"}, "text/html", new String[] {"document", "html"},
            "text/markdown", new String[] {"document", "md"});

    private BedrockMessages() {
    }

    static Converted convert(List<Message> in, List<String> dropped) {
        List<Block> system = new ArrayList<>();
        List<Msg> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Message m = in.get(i);
            if (m.name() != null) {
                note(dropped, "messages[].name");
            }
            switch (m.role() == null ? "" : m.role()) {
                case "system", "developer" -> system.addAll(withMessageCache(parts(m.content(), i, false), m));
                case "user" -> append(out, "user", withMessageCache(parts(m.content(), i, true), m));
                case "assistant" -> append(out, "assistant", withMessageCache(assistant(m, i), m));
                case "tool" -> append(out, "user", List.of(Block.toolResult(toolUseId(m.toolCallId()),
                        toolResult(m.content(), i), null)));
                default -> throw ApiException.badRequest("messages[" + i + "] has role '" + m.role()
                        + "', which Bedrock models do not take; use tools and tool messages.",
                        "messages[" + i + "].role", "unsupported_value");
            }
        }
        return new Converted(system, out);
    }

    /** A tool-call id as Converse accepts it: {@code [a-zA-Z0-9_-]}, at most 64 characters. */
    static String toolUseId(String id) {
        String safe = ToolCallIds.safeBase(id);
        return safe.length() > 64 ? safe.substring(0, 64) : safe;
    }

    static void note(List<String> dropped, String param) {
        if (!dropped.contains(param)) {
            dropped.add(param);
        }
    }

    private static void append(List<Msg> out, String role, List<Block> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        List<Block> merged = new ArrayList<>();
        if (!out.isEmpty() && out.get(out.size() - 1).role().equals(role)) {
            merged.addAll(out.remove(out.size() - 1).content());
        }
        merged.addAll(blocks);
        if ("user".equals(role)) {
            List<Block> sorted = new ArrayList<>(merged.stream().filter(b -> b.toolResult() != null).toList());
            merged.stream().filter(b -> b.toolResult() == null).forEach(sorted::add);
            merged = sorted;
        }
        out.add(new Msg(role, merged));
    }

    private static List<Block> withMessageCache(List<Block> blocks, Message m) {
        if (m.extra().get("cache_control") == null || blocks.isEmpty()) {
            return blocks;
        }
        List<Block> out = new ArrayList<>(blocks);
        out.add(Block.cache());
        return out;
    }

    private static List<Block> parts(Content c, int i, boolean media) {
        List<Block> out = new ArrayList<>();
        if (c == null) {
            return out;
        }
        if (c.isText()) {
            if (c.text() != null && !c.text().isEmpty()) {
                out.add(Block.text(c.text()));
            }
            return out;
        }
        for (int j = 0; j < c.parts().size(); j++) {
            ContentPart p = c.parts().get(j);
            String where = "messages[" + i + "].content[" + j + "]";
            String type = p.type() == null ? "" : p.type();
            if ("text".equals(type) || "refusal".equals(type)) {
                String t = p.text() != null ? p.text() : p.refusal();
                if (t != null && !t.isEmpty()) {
                    out.add(Block.text(t));
                }
            } else if (media && "image_url".equals(type)) {
                out.add(inline(p.imageUrl() == null ? null : p.imageUrl().url(), where + ".image_url.url", j));
            } else if (media && "file".equals(type)) {
                JsonNode f = p.file();
                out.add(inline(f == null ? null : f.path("file_data").asText(null), where + ".file.file_data", j));
            } else {
                throw ApiException.badRequest(where + " has type '" + p.type() + "', which Bedrock models do not "
                        + "accept here.", where + ".type", "unsupported_content");
            }
            if (p.cacheControl() != null) {
                out.add(Block.cache());
            }
        }
        return out;
    }

    /** A base64 data: URI → image or document block; URLs are refused (Converse reads bytes or S3 only). */
    private static Block inline(String uri, String param, int j) {
        if (uri == null || !uri.startsWith("data:")) {
            throw ApiException.badRequest(param + " must be a base64 data: URI; Bedrock does not fetch URLs.", param,
                    "invalid_value");
        }
        int comma = uri.indexOf(',');
        int semi = uri.indexOf(";base64");
        if (comma < 0 || semi < 0 || semi > comma) {
            throw ApiException.badRequest(param + " must be a base64 data: URI.", param, "invalid_value");
        }
        String mime = uri.substring(5, semi).toLowerCase(Locale.ROOT);
        String[] kind = MEDIA.get(mime);
        if (kind == null) {
            throw ApiException.badRequest(param + " has media type '" + mime + "', which Bedrock does not accept.",
                    param, "unsupported_media_type");
        }
        String data = uri.substring(comma + 1);
        try {
            Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(param + " is not valid base64.", param, "invalid_value");
        }
        return "image".equals(kind[0]) ? Block.image(kind[1], data) : Block.document(kind[1], "document-" + j, data);
    }

    private static List<Block> assistant(Message m, int i) {
        List<Block> out = new ArrayList<>();
        JsonNode sig = m.extra().get("reasoning_signature");
        if (m.reasoningContent() != null && !m.reasoningContent().isEmpty() && sig != null && sig.isTextual()) {
            out.add(Block.reasoning(m.reasoningContent(), sig.asText()));
        }
        out.addAll(parts(m.content(), i, false));
        if (m.hasToolCalls()) {
            for (int j = 0; j < m.toolCalls().size(); j++) {
                ToolCall tc = m.toolCalls().get(j);
                String name = tc.function() == null ? null : tc.function().name();
                String args = tc.function() == null ? null : tc.function().arguments();
                out.add(Block.toolUse(toolUseId(tc.id()), name,
                        ToolArguments.object(args, "messages[" + i + "].tool_calls[" + j + "].function.arguments")));
            }
        }
        return out;
    }

    /** A tool message's content: text blocks (Converse requires at least one content block). */
    private static List<Block> toolResult(Content c, int i) {
        List<Block> blocks = parts(c, i, true);
        return blocks.isEmpty() ? List.of(Block.text("")) : blocks;
    }
}
