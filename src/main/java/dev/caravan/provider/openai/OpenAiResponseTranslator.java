package dev.caravan.provider.openai;

import java.io.IOException;

import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * OpenAI-compatible upstream reply → client answer. Error statuses become an {@code ApiException} (client 4xx)
 * or {@code ProviderUnavailable} (429/5xx: failover); a success keeps the provider's JSON and only normalizes
 * what typed OpenAI clients would reject (finish reasons). A stream passes through: its translator is already
 * running.
 */
public final class OpenAiResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof UpstreamResponse r)) {
            return; // a stream session: nothing to translate here
        }
        OpenAiCompatibleProvider p = exchange.getProperty(ProviderConfig.PROPERTY, OpenAiCompatibleProvider.class);
        exchange.getMessage().setBody(translate(p.name(), r, p.quirks(), p.errorCodes()));
    }

    /** Pure: the client answer for an upstream reply, or the exception it maps to. */
    public static ChatResult translate(String provider, UpstreamResponse r, OpenAiQuirks q) {
        return translate(provider, r, q, Map.of());
    }

    /**
     * As above; {@code errorCodes} renames upstream error codes for the client (Azure's {@code content_filter}
     * becomes OpenAI's {@code content_policy_violation}), keeping status and message.
     */
    public static ChatResult translate(String provider, UpstreamResponse r, OpenAiQuirks q,
            Map<String, String> errorCodes) {
        if (r.ok()) {
            ChatResult asSent = asSent(r.body(), q);
            if (asSent != null) {
                return asSent;
            }
        }
        ObjectNode tree = OpenAiReplies.object(provider, r, "choices", errorCodes);
        normalizeChoices(tree, q);
        return new ChatResult(tree, usageOf(tree));
    }

    /**
     * A successful reply that needs no change, as its bytes: one token pass (no tree) that reads its model and
     * usage and checks that it is a JSON object with {@code choices}, no {@code error}, no finish reason the quirks
     * rename, a plain usage object without {@code cost} fields (which the gateway sets) and nothing after it. Null
     * for anything else, which then takes the tree path (and its errors).
     */
    static ChatResult asSent(byte[] body, OpenAiQuirks q) {
        try (JsonParser p = Json.REPLIES.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean choices = false;
            boolean usageSeen = false;
            Usage usage = null;
            String model = null;
            int usageEnd = -1;
            boolean usageEmpty = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "choices" -> {
                        if (choices || v != JsonToken.START_ARRAY || !finishReasonsKept(p, q)) {
                            return null;
                        }
                        choices = true;
                    }
                    case "usage" -> {
                        if (usageSeen || v != JsonToken.START_OBJECT) {
                            return null;
                        }
                        usageSeen = true;
                        ChatResult.UsageSpan span = ChatResult.UsageSpan.read(p, body);
                        usage = span == null ? null : Usage.fromPlainTree(span.tree());
                        if (usage == null) {
                            return null;
                        }
                        usageEnd = span.end();
                        usageEmpty = span.tree().isEmpty();
                    }
                    case "model" -> {
                        if (model != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        model = p.getText();
                    }
                    case "error", "x_groq" -> {
                        return null;
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || !choices || p.nextToken() != null) {
                return null;
            }
            return ChatResult.forwarded(body, usage, model, usageEnd, usageEmpty);
        } catch (IOException | RuntimeException e) {
            return null; // the tree path reports it
        }
    }

    /** Past the {@code choices} array; false when a choice's finish reason is one the quirks rename. */
    private static boolean finishReasonsKept(JsonParser p, OpenAiQuirks q) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_STRING && "finish_reason".equals(f)) {
                    String raw = p.getText();
                    if (!raw.equals(q.finishReason(raw))) {
                        return false;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return true;
    }

    static void normalizeChoices(ObjectNode tree, OpenAiQuirks q) {
        for (JsonNode c : tree.path("choices")) {
            if (c instanceof ObjectNode choice && choice.get("finish_reason") != null
                    && choice.get("finish_reason").isTextual()) {
                String raw = choice.get("finish_reason").asText();
                String mapped = q.finishReason(raw);
                if (!raw.equals(mapped)) {
                    choice.put("finish_reason", mapped);
                    choice.put("native_finish_reason", raw);
                }
            }
        }
    }

    /** {@code usage}, or Groq's {@code x_groq.usage}; null when the provider sent none. */
    static Usage usageOf(ObjectNode tree) {
        JsonNode u = tree.get("usage");
        if (u == null || !u.isObject()) {
            u = tree.path("x_groq").get("usage");
        }
        if (u == null || !u.isObject()) {
            return null;
        }
        Usage plain = Usage.fromPlainTree(u);
        if (plain != null) {
            return plain;
        }
        try {
            return Json.MAPPER.treeToValue(u, Usage.class);
        } catch (IOException e) {
            return null;
        }
    }
}
