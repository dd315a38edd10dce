package dev.caravan.provider.bedrock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
import dev.caravan.provider.bedrock.BedrockWire.Block;

/**
 * Converse reply → OpenAI {@code chat.completion}. Errors are mapped by the exception name in
 * {@code x-amzn-errortype} and the status (ThrottlingException, 5xx → {@code ProviderUnavailable}; validation and
 * access errors keep their status, with the exception name as the code). Text blocks become {@code content},
 * reasoningContent becomes {@code reasoning_content} (its signature in {@code reasoning_signature}, to send back
 * on the next turn), toolUse blocks become {@code tool_calls}. A stream session passes through untouched.
 */
public final class BedrockResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        exchange.getMessage().setBody(translate(p.name(), r, idFor(r), System.currentTimeMillis() / 1000,
                exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class),
                BedrockStructured.toolName(call.request())));
    }

    /** The completion id: from the reply's request id ({@code x-amzn-requestid}), else a fresh one. */
    static String idFor(UpstreamResponse r) {
        return r.headers().firstValue("x-amzn-requestid").map(v -> "chatcmpl-" + v)
                .orElseGet(BedrockResponseTranslator::newId);
    }

    /** A fresh completion id (Bedrock replies carry none in the body). */
    static String newId() {
        return "chatcmpl-" + UUID.randomUUID();
    }

    /** Pure: the client answer for an upstream reply, or the exception it maps to. */
    public static ChatResult translate(String provider, UpstreamResponse r, String id, long created, String model) {
        return translate(provider, r, id, created, model, null);
    }

    /**
     * Pure: as above; {@code jsonTool} names the forced tool of a {@code response_format} request (else null),
     * whose input becomes the message content with {@code finish_reason: stop}.
     */
    public static ChatResult translate(String provider, UpstreamResponse r, String id, long created, String model,
            String jsonTool) {
        if (!r.ok()) {
            throw error(provider, r);
        }
        BedrockWire.Response res;
        try {
            res = Json.MAPPER.readValue(r.body(), BedrockWire.Response.class);
        } catch (IOException e) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a Converse response");
        }
        Usage usage = BedrockMapping.usage(res.usage());
        ChatResponse out = new ChatResponse(id, "chat.completion", created, model, List.of(choice(res, jsonTool)), usage, null,
                null, null);
        ObjectNode tree = Json.MAPPER.valueToTree(out);
        ObjectNode msg = (ObjectNode) tree.path("choices").path(0).path("message");
        if (!msg.has("content")) {
            msg.putNull("content");
        }
        msg.putNull("refusal");
        return new ChatResult(tree, usage);
    }

    /** The exception for an error reply: its name from {@code x-amzn-errortype} (before any colon). */
    static RuntimeException error(String provider, UpstreamResponse r) {
        String name = r.headers().firstValue("x-amzn-errortype").map(v -> v.split(":", 2)[0]).orElse(null);
        String message = null;
        try {
            JsonNode n = Json.MAPPER.readTree(r.body());
            message = n.path("message").isTextual() ? n.get("message").asText()
                    : n.path("Message").isTextual() ? n.get("Message").asText() : null;
            if (name == null && n.path("__type").isTextual()) {
                String t = n.get("__type").asText();
                name = t.substring(t.lastIndexOf('#') + 1);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON (a proxy's page): the status alone decides
        }
        return ErrorMapper.fromUpstream(provider, BedrockMapping.status(name, r.status()), r.retryAfterSeconds(),
                BedrockMapping.error(name, message));
    }

    private static ChatResponse.Choice choice(BedrockWire.Response res, String jsonTool) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        String signature = null;
        List<ToolCall> calls = new ArrayList<>();
        List<Block> blocks = res.output() == null || res.output().message() == null
                || res.output().message().content() == null ? List.of() : res.output().message().content();
        for (Block b : blocks) {
            if (b.text() != null) {
                text.append(b.text());
            } else if (b.reasoningContent() != null && b.reasoningContent().reasoningText() != null) {
                reasoning.append(b.reasoningContent().reasoningText().text());
                signature = b.reasoningContent().reasoningText().signature();
            } else if (b.toolUse() != null && jsonTool != null && jsonTool.equals(b.toolUse().name())) {
                JsonNode input = b.toolUse().input();
                text.append(input == null || input.isNull() ? "{}" : input.toString());
            } else if (b.toolUse() != null) {
                JsonNode input = b.toolUse().input();
                calls.add(ToolCall.function(b.toolUse().toolUseId(), b.toolUse().name(),
                        input == null || input.isNull() ? "{}" : input.toString()));
            }
        }
        Content content = text.length() > 0 || calls.isEmpty() ? Content.of(text.toString()) : null;
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        if (signature != null) {
            extra.put("reasoning_signature", TextNode.valueOf(signature));
        }
        Message m = new Message("assistant", content, null, calls.isEmpty() ? null : calls, null, null,
                reasoning.length() > 0 ? reasoning.toString() : null, extra);
        Map<String, JsonNode> choiceExtra = res.stopReason() == null ? null
                : new LinkedHashMap<>(Map.of("native_finish_reason", TextNode.valueOf(res.stopReason())));
        String finish = jsonTool != null && calls.isEmpty() && "tool_use".equals(res.stopReason()) ? "stop"
                : BedrockMapping.finish(res.stopReason());
        return new ChatResponse.Choice(0, m, null, finish == null ? "stop" : finish, choiceExtra);
    }
}
