package dev.caravan.provider.gemini;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.ToolCallIds;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.provider.gemini.GeminiWire.Part;

/**
 * Gemini reply → OpenAI {@code chat.completion}: one choice per candidate; thought parts → {@code reasoning_content};
 * function calls → {@code tool_calls} with minted ids that carry the call's thought signature; STOP with calls →
 * {@code tool_calls}; a blocked prompt → an empty {@code content_filter} choice. Errors: API_KEY_INVALID → 401,
 * 429/5xx → {@code ProviderUnavailable} (retry-after from the header or RetryInfo), other 4xx keep their status.
 */
public final class GeminiResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        exchange.getMessage().setBody(translate(p.name(), r, System.currentTimeMillis() / 1000,
                exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class)));
    }

    /** Pure: the client answer for an upstream reply, or the exception it maps to. */
    public static ChatResult translate(String provider, UpstreamResponse r, long created, String model) {
        if (!r.ok()) {
            throw GeminiMapping.error(provider, r.status(), r.retryAfterSeconds(), GeminiMapping.parseError(r.body()));
        }
        GeminiWire.Response res;
        try {
            res = Json.MAPPER.readValue(r.body(), GeminiWire.Response.class);
        } catch (IOException e) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a generateContent response");
        }
        if (res.error() != null) {
            throw GeminiMapping.error(provider, r.status(), null, res.error());
        }
        List<ChatResponse.Choice> choices = new ArrayList<>();
        if (res.candidates() == null || res.candidates().isEmpty()) {
            String block = res.promptFeedback() == null ? null : res.promptFeedback().blockReason();
            choices.add(choice(0, Content.of(""), null, null, block != null ? "content_filter" : "stop", block));
        } else {
            for (int k = 0; k < res.candidates().size(); k++) {
                choices.add(candidate(res, k));
            }
        }
        Usage usage = GeminiMapping.usage(res.usageMetadata());
        String id = res.responseId() != null ? res.responseId() : GeminiMapping.mintId(null, 0, 0).replace("call_",
                "chatcmpl-");
        ChatResponse out = new ChatResponse(id, "chat.completion", created,
                res.modelVersion() != null ? res.modelVersion() : model, choices, usage, null, null, null);
        ObjectNode tree = Json.MAPPER.valueToTree(out);
        for (JsonNode c : tree.path("choices")) {
            ObjectNode msg = (ObjectNode) c.path("message");
            if (!msg.has("content")) {
                msg.putNull("content");
            }
            msg.putNull("refusal");
        }
        return new ChatResult(tree, usage);
    }

    private static ChatResponse.Choice candidate(GeminiWire.Response res, int k) {
        GeminiWire.Candidate c = res.candidates().get(k);
        int index = c.index() != null ? c.index() : k;
        StringBuilder text = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<Part> parts = c.content() == null || c.content().parts() == null ? List.of() : c.content().parts();
        for (Part p : parts) {
            if (p.functionCall() != null) {
                calls.add(toolCall(p, res.responseId(), index, calls.size()));
            } else if (p.text() != null) {
                (Boolean.TRUE.equals(p.thought()) ? thoughts : text).append(p.text());
            }
        }
        Content content = text.length() > 0 || calls.isEmpty() ? Content.of(text.toString()) : null;
        return choice(index, content, calls.isEmpty() ? null : calls, thoughts.length() > 0 ? thoughts.toString()
                : null, GeminiMapping.finish(c.finishReason(), !calls.isEmpty()), c.finishReason());
    }

    /** An OpenAI tool call for a Gemini function call: minted id, plus its thought signature when it has one. */
    static ToolCall toolCall(Part p, String responseId, int candidate, int ordinal) {
        GeminiWire.FunctionCall fc = p.functionCall();
        String id = fc.id() != null ? fc.id() : GeminiMapping.mintId(responseId, candidate, ordinal);
        if (p.thoughtSignature() != null && !p.thoughtSignature().isEmpty()) {
            id = id + ToolCallIds.THOUGHT + p.thoughtSignature();
        }
        String args = fc.args() == null ? "{}" : fc.args().toString();
        return ToolCall.function(id, fc.name(), args);
    }

    private static ChatResponse.Choice choice(int index, Content content, List<ToolCall> calls, String reasoning,
            String finish, String nativeFinish) {
        Message m = new Message("assistant", content, null, calls, null, null, reasoning, null);
        Map<String, JsonNode> extra = nativeFinish == null ? null
                : new LinkedHashMap<>(Map.of("native_finish_reason", TextNode.valueOf(nativeFinish)));
        return new ChatResponse.Choice(index, m, null, finish, extra);
    }
}
