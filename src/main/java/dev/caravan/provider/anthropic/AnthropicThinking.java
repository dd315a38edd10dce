package dev.caravan.provider.anthropic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Json;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.error.ApiException;
import dev.caravan.provider.ToolCallIds;
import dev.caravan.provider.anthropic.AnthropicWire.Block;

/**
 * Extended thinking: {@code reasoning_effort} → {@code thinking}, and the carrier that lets thinking blocks survive
 * an OpenAI client. Anthropic requires the thinking blocks of an assistant tool-use turn to be sent back unmodified
 * with the tool results; OpenAI clients keep only the standard fields, so the blocks ride in the id of the turn's
 * first tool call ({@link ToolCallIds#THINKING}, compressed JSON), which every client sends back as it got it.
 */
final class AnthropicThinking {

    /** budget_tokens per effort (models with a token budget; LiteLLM uses the same low/medium/high values). */
    static final Map<String, Integer> BUDGETS = Map.of("minimal", 1024, "low", 1024, "medium", 2048, "high", 4096,
            "xhigh", 8192, "max", 16384);
    /** output_config.effort per effort (adaptive-thinking models: low|medium|high|xhigh|max). */
    static final Map<String, String> EFFORTS = Map.of("minimal", "low", "low", "low", "medium", "medium", "high",
            "high", "xhigh", "xhigh", "max", "max");
    static final int MIN_BUDGET = 1024;

    private static final TypeReference<List<Block>> BLOCKS = new TypeReference<>() {
    };

    private AnthropicThinking() {
    }

    static void checkEffort(String effort) {
        if (effort != null && !"none".equals(effort) && !BUDGETS.containsKey(effort)) {
            throw ApiException.badRequest("reasoning_effort must be one of none, minimal, low, medium, high, xhigh, "
                    + "max; got '" + effort + "'.", "reasoning_effort", "invalid_value");
        }
    }

    /** {@code toolu_x} + the carried blocks: the id handed to the client. */
    static String carry(String id, List<Block> blocks) {
        if (blocks.isEmpty()) {
            return id;
        }
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(blocks);
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            d.setInput(json);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 2 + 16);
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            d.end();
            return id + ToolCallIds.THINKING + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode thinking blocks", e);
        }
    }

    /** The thinking blocks an assistant message carries: in its tool-call ids, or LiteLLM's {@code thinking_blocks}. */
    static List<Block> carried(Message m) {
        List<Block> out = new ArrayList<>();
        if (m.toolCalls() != null) {
            for (ToolCall tc : m.toolCalls()) {
                String p = ToolCallIds.payload(tc.id(), ToolCallIds.THINKING);
                if (p != null) {
                    out.addAll(decode(p));
                }
            }
        }
        JsonNode tb = m.extra().get("thinking_blocks");
        if (out.isEmpty() && tb != null && tb.isArray()) {
            for (JsonNode n : tb) {
                Block b = Json.MAPPER.convertValue(n, Block.class);
                if (b.thinkingBlock()) {
                    out.add("thinking".equals(b.type()) ? Block.thinking(b.thinking(), b.signature())
                            : Block.redacted(b.data()));
                }
            }
        }
        return out;
    }

    private static List<Block> decode(String payload) {
        try {
            byte[] z = Base64.getUrlDecoder().decode(payload);
            Inflater inf = new Inflater(true);
            inf.setInput(z);
            ByteArrayOutputStream out = new ByteArrayOutputStream(z.length * 3);
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
            }
            inf.end();
            return Json.MAPPER.readValue(out.toByteArray(), BLOCKS);
        } catch (IllegalArgumentException | DataFormatException | IOException e) {
            throw ApiException.badRequest("A tool call id carries thinking blocks that cannot be read; send the "
                    + "assistant message back as the gateway returned it.", "messages", "invalid_tool_call_id");
        }
    }
}
