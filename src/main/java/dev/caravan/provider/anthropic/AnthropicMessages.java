package dev.caravan.provider.anthropic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Content;
import dev.caravan.api.ContentPart;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.error.ApiException;
import dev.caravan.provider.ToolArguments;
import dev.caravan.provider.ToolCallIds;
import dev.caravan.provider.anthropic.AnthropicWire.Block;
import dev.caravan.provider.anthropic.AnthropicWire.Msg;
import dev.caravan.provider.anthropic.AnthropicWire.Source;

/**
 * OpenAI messages → Anthropic {@code system} + alternating {@code messages}. Every system and developer message,
 * wherever it stands, becomes a top-level system block (in order, cache_control kept); tool messages become
 * {@code tool_result} blocks in a user turn, placed before any text of that turn; consecutive same-role turns are
 * merged; empty text is never sent; assistant tool-use turns get their carried thinking blocks back, first.
 */
final class AnthropicMessages {

    record Converted(List<Block> system, List<Msg> messages) {
    }

    private static final Map<String, String> IMAGE_TYPES = Map.of("image/jpeg", "image", "image/jpg", "image",
            "image/png", "image", "image/gif", "image", "image/webp", "image", "application/pdf", "document",
            "text/plain", "document");

    private AnthropicMessages() {
    }

    static Converted convert(List<Message> in, List<String> dropped) {
        List<Block> system = new ArrayList<>();
        List<Msg> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Message m = in.get(i);
            if (m.name() != null) {
                note(dropped, "messages[].name");
            }
            switch (m.role()) {
                case "system", "developer" -> system.addAll(withMessageCache(textBlocks(m.content(), i), m));
                case "user" -> append(out, "user", withMessageCache(userBlocks(m.content(), i, dropped), m));
                case "assistant" -> append(out, "assistant", withMessageCache(assistantBlocks(m, i), m));
                case "tool" -> append(out, "user", List.of(Block.toolResult(ToolCallIds.safeBase(m.toolCallId()),
                        toolResultContent(m.content(), i, dropped), m.extra().get("cache_control"))));
                default -> throw ApiException.badRequest("messages[" + i + "] has role '" + m.role()
                        + "', which Anthropic models do not take; use tools and tool messages.",
                        "messages[" + i + "].role", "unsupported_value");
            }
        }
        trimPrefill(out);
        return new Converted(system, out);
    }

    static void note(List<String> dropped, String param) {
        if (!dropped.contains(param)) {
            dropped.add(param);
        }
    }

    /** Adds a turn, merging it into the previous one of the same role (tool results first in a user turn). */
    private static void append(List<Msg> out, String role, List<Block> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!out.isEmpty() && out.get(out.size() - 1).role().equals(role)) {
            List<Block> merged = new ArrayList<>(out.get(out.size() - 1).content());
            merged.addAll(blocks);
            out.set(out.size() - 1, new Msg(role, "user".equals(role) ? toolResultsFirst(merged) : merged));
        } else {
            out.add(new Msg(role, "user".equals(role) ? toolResultsFirst(blocks) : new ArrayList<>(blocks)));
        }
    }

    private static List<Block> toolResultsFirst(List<Block> blocks) {
        List<Block> sorted = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            if ("tool_result".equals(b.type())) {
                sorted.add(b);
            }
        }
        for (Block b : blocks) {
            if (!"tool_result".equals(b.type())) {
                sorted.add(b);
            }
        }
        return sorted;
    }

    /** A message-level {@code cache_control} marks the message's last block. */
    private static List<Block> withMessageCache(List<Block> blocks, Message m) {
        JsonNode cc = m.extra().get("cache_control");
        if (cc == null || blocks.isEmpty() || "tool".equals(m.role())) {
            return blocks;
        }
        List<Block> out = new ArrayList<>(blocks);
        out.set(out.size() - 1, out.get(out.size() - 1).withCacheControl(cc));
        return out;
    }

    private static List<Block> textBlocks(Content c, int i) {
        List<Block> out = new ArrayList<>();
        if (c == null) {
            return out;
        }
        if (c.isText()) {
            if (c.text() != null && !c.text().isEmpty()) {
                out.add(Block.text(c.text(), null));
            }
            return out;
        }
        for (ContentPart p : c.parts()) {
            if (p.text() != null && !p.text().isEmpty()) {
                out.add(Block.text(p.text(), p.cacheControl()));
            } else if (p.refusal() != null && !p.refusal().isEmpty()) {
                out.add(Block.text(p.refusal(), p.cacheControl()));
            }
        }
        return out;
    }

    private static List<Block> userBlocks(Content c, int i, List<String> dropped) {
        if (c == null || c.isText()) {
            return textBlocks(c, i);
        }
        List<Block> out = new ArrayList<>();
        for (int j = 0; j < c.parts().size(); j++) {
            ContentPart p = c.parts().get(j);
            String where = "messages[" + i + "].content[" + j + "]";
            switch (p.type() == null ? "" : p.type()) {
                case "text" -> {
                    if (p.text() != null && !p.text().isEmpty()) {
                        out.add(Block.text(p.text(), p.cacheControl()));
                    }
                }
                case "image_url" -> out.add(image(p, where, dropped));
                case "file" -> out.add(file(p, where));
                default -> throw ApiException.badRequest(where + " has type '" + p.type()
                        + "', which Anthropic models do not accept.", where + ".type", "unsupported_content");
            }
        }
        return out;
    }

    private static Block image(ContentPart p, String where, List<String> dropped) {
        if (p.imageUrl() == null || p.imageUrl().url() == null) {
            throw ApiException.badRequest(where + ".image_url.url is required.", where + ".image_url.url",
                    "missing_required_parameter");
        }
        if (p.imageUrl().detail() != null) {
            note(dropped, "image_url.detail");
        }
        String url = p.imageUrl().url();
        if (url.startsWith("data:")) {
            return dataBlock(url, where + ".image_url.url", p.cacheControl());
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return Block.source("image", new Source("url", null, null, url, null), p.cacheControl());
        }
        throw ApiException.badRequest(where + ".image_url.url must be an http(s) URL or a data: URI.",
                where + ".image_url.url", "invalid_value");
    }

    private static Block dataBlock(String uri, String param, JsonNode cc) {
        int comma = uri.indexOf(',');
        int semi = uri.indexOf(";base64");
        if (comma < 0 || semi < 0 || semi > comma) {
            throw ApiException.badRequest(param + " must be a base64 data: URI.", param, "invalid_value");
        }
        String mime = uri.substring(5, semi).toLowerCase(java.util.Locale.ROOT);
        String type = IMAGE_TYPES.get(mime);
        if (type == null) {
            throw ApiException.badRequest(param + " has media type '" + mime + "'; Anthropic accepts image/jpeg, "
                    + "image/png, image/gif, image/webp and application/pdf.", param, "unsupported_media_type");
        }
        String media = "image/jpg".equals(mime) ? "image/jpeg" : mime;
        return Block.source(type, new Source("base64", media, uri.substring(comma + 1), null, null), cc);
    }

    private static Block file(ContentPart p, String where) {
        JsonNode f = p.file();
        if (f != null && f.hasNonNull("file_id")) {
            return Block.source("document", new Source("file", null, null, null, f.get("file_id").asText()),
                    p.cacheControl());
        }
        if (f == null || !f.hasNonNull("file_data")) {
            throw ApiException.badRequest(where + ".file needs file_data or file_id.", where + ".file",
                    "missing_required_parameter");
        }
        String data = f.get("file_data").asText();
        if (data.startsWith("data:")) {
            return dataBlock(data, where + ".file.file_data", p.cacheControl());
        }
        return Block.source("document", new Source("base64", "application/pdf", data, null, null), p.cacheControl());
    }

    private static List<Block> assistantBlocks(Message m, int i) {
        List<Block> out = new ArrayList<>();
        if (m.hasToolCalls()) {
            out.addAll(AnthropicThinking.carried(m));
        }
        out.addAll(textBlocks(m.content(), i));
        if (m.hasToolCalls()) {
            for (int j = 0; j < m.toolCalls().size(); j++) {
                ToolCall tc = m.toolCalls().get(j);
                String name = tc.function() == null ? null : tc.function().name();
                String args = tc.function() == null ? null : tc.function().arguments();
                out.add(Block.toolUse(ToolCallIds.safeBase(tc.id()), name,
                        ToolArguments.object(args, "messages[" + i + "].tool_calls[" + j + "].function.arguments")));
            }
        }
        return out;
    }

    private static Object toolResultContent(Content c, int i, List<String> dropped) {
        if (c == null || c.isEmpty()) {
            return null;
        }
        if (c.isText()) {
            return c.text();
        }
        List<Block> blocks = userBlocks(c, i, dropped);
        return blocks.isEmpty() ? null : blocks;
    }

    /** A final assistant turn is a prefill: Anthropic rejects trailing whitespace there. */
    private static void trimPrefill(List<Msg> out) {
        if (out.isEmpty() || !"assistant".equals(out.get(out.size() - 1).role())) {
            return;
        }
        Msg last = out.get(out.size() - 1);
        List<Block> blocks = new ArrayList<>(last.content());
        Block b = blocks.get(blocks.size() - 1);
        if ("text".equals(b.type())) {
            String t = b.text().stripTrailing();
            if (t.isEmpty()) {
                blocks.remove(blocks.size() - 1);
            } else {
                blocks.set(blocks.size() - 1, Block.text(t, b.cacheControl()));
            }
        }
        if (blocks.isEmpty()) {
            out.remove(out.size() - 1);
        } else {
            out.set(out.size() - 1, new Msg("assistant", blocks));
        }
    }
}
