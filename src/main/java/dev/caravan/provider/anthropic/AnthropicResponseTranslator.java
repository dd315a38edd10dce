package dev.caravan.provider.anthropic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatResponse;
import dev.caravan.api.Content;
import dev.caravan.api.Json;
import dev.caravan.api.Message;
import dev.caravan.api.ToolCall;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.provider.anthropic.AnthropicWire.Block;

/**
 * Anthropic reply → OpenAI {@code chat.completion}. Error statuses go through {@link ErrorMapper} (429 and 529
 * → {@code ProviderUnavailable} with retry-after; other 4xx keep the status and Anthropic's message). Text blocks
 * become {@code content}, thinking becomes {@code reasoning_content}, tool_use blocks become {@code tool_calls}
 * (the turn's thinking blocks carried in the first id). A stream session passes through untouched.
 */
public final class AnthropicResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        boolean jsonTool = call.request().responseFormat() != null
                && "json_object".equals(call.request().responseFormat().type());
        exchange.getMessage().setBody(translate(p.name(), r, jsonTool, System.currentTimeMillis() / 1000,
                exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class)));
    }

    /** Pure: the client answer for an upstream reply, or the exception it maps to. */
    public static ChatResult translate(String provider, UpstreamResponse r, boolean jsonTool, long created,
            String model) {
        if (!r.ok()) {
            throw ErrorMapper.fromUpstream(provider, r.status(), r.retryAfterSeconds(), parseError(r.body()));
        }
        AnthropicWire.Response res;
        try {
            res = Json.MAPPER.readValue(r.body(), AnthropicWire.Response.class);
        } catch (IOException e) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a Messages API response");
        }
        Usage usage = AnthropicMapping.usage(res.usage());
        ChatResponse out = new ChatResponse(res.id(), "chat.completion", created,
                res.model() != null ? res.model() : model, List.of(choice(res, jsonTool)), usage, null, null, null);
        ObjectNode tree = Json.MAPPER.valueToTree(out);
        ObjectNode msg = (ObjectNode) tree.path("choices").path(0).path("message");
        if (!msg.has("content")) {
            msg.putNull("content");
        }
        msg.putNull("refusal");
        return new ChatResult(tree, usage);
    }

    static ErrorMapper.UpstreamError parseError(byte[] body) {
        try {
            AnthropicWire.ErrorReply e = Json.MAPPER.readValue(body, AnthropicWire.ErrorReply.class);
            if (e.error() != null) {
                return AnthropicMapping.error(e.error());
            }
        } catch (IOException | RuntimeException ignored) {
            // not Anthropic's error shape (a proxy's page): fall back to the generic reader
        }
        return ErrorMapper.parseOpenAiStyle(body);
    }

    private static ChatResponse.Choice choice(AnthropicWire.Response res, boolean jsonTool) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<Block> pending = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        String finish = AnthropicMapping.finish(res.stopReason());
        for (Block b : res.content() == null ? List.<Block>of() : res.content()) {
            switch (b.type()) {
                case "text" -> text.append(b.text());
                case "thinking" -> {
                    appendReasoning(reasoning, b.thinking());
                    pending.add(Block.thinking(b.thinking(), b.signature()));
                }
                case "redacted_thinking" -> pending.add(Block.redacted(b.data()));
                case "tool_use" -> {
                    String args = b.input() == null ? "{}" : b.input().toString();
                    if (jsonTool && AnthropicTools.JSON_TOOL.equals(b.name())) {
                        text.append(args);
                        finish = "stop";
                    } else {
                        calls.add(ToolCall.function(AnthropicThinking.carry(b.id(), pending), b.name(), args));
                        pending.clear();
                    }
                }
                default -> {
                    // server tool blocks and future types carry nothing an OpenAI client can use
                }
            }
        }
        Content content = text.length() > 0 || calls.isEmpty() ? Content.of(text.toString()) : null;
        Message m = new Message("assistant", content, null, calls.isEmpty() ? null : calls, null, null,
                reasoning.length() > 0 ? reasoning.toString() : null, null);
        Map<String, JsonNode> extra = res.stopReason() == null ? null
                : new java.util.LinkedHashMap<>(Map.of("native_finish_reason", TextNode.valueOf(res.stopReason())));
        return new ChatResponse.Choice(0, m, null, finish == null ? "stop" : finish, extra);
    }

    static void appendReasoning(StringBuilder sb, String thinking) {
        if (thinking == null || thinking.isEmpty()) {
            return;
        }
        if (sb.length() > 0) {
            sb.append("\n\n");
        }
        sb.append(thinking);
    }
}
