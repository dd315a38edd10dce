package dev.caravan.routing;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;

/**
 * Puts what routing decides on into headers for {@code route.chat}'s content-based router: the model asked for,
 * the task ({@code metadata.task} or {@code x-caravan-task}), an estimate of the prompt's tokens, tenant and key,
 * whether the request has images or tools, whether it streams. Also starts the whole-request deadline.
 */
public final class RequestFacts implements Processor {

    /** Tokens counted for one image (OpenAI's low-detail cost; a conservative floor for routing decisions). */
    static final int IMAGE_TOKENS = 85;

    private final long deadlineMillis;

    public RequestFacts(long deadlineMillis) {
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void process(Exchange exchange) {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        call.deadlineNanos(call.startNanos() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis));
        JsonNode raw = call.raw();
        Message m = exchange.getMessage();
        String asked = call.request() != null ? call.request().model() : raw.path("model").textValue();
        if (asked != null) {
            m.setHeader(RouteHeaders.MODEL_ASKED, asked);
        }
        String task = call.clientHeader("x-caravan-task");
        if (task == null && raw.path("metadata").path("task").isTextual()) {
            task = raw.path("metadata").path("task").asText();
        }
        if (task != null) {
            m.setHeader(RouteHeaders.TASK, task);
        }
        Estimate e = estimate(raw);
        call.promptTokens(e.tokens());
        m.setHeader(RouteHeaders.PROMPT_TOKENS, e.tokens());
        m.setHeader(RouteHeaders.HAS_IMAGES, e.images() > 0);
        m.setHeader(RouteHeaders.HAS_TOOLS, raw.path("tools").size() > 0);
        m.setHeader(RouteHeaders.STREAM, call.isStream());
        m.setHeader(RouteHeaders.ENDPOINT, call.endpoint());
        if (call.principal() != null) {
            m.setHeader(RouteHeaders.TENANT, call.principal().tenant());
            m.setHeader(RouteHeaders.KEY_ID, call.principal().keyId());
        }
    }

    record Estimate(long tokens, int images) {
    }

    /** About four characters per token for text, a fixed count per image, a few tokens per message. */
    static Estimate estimate(JsonNode raw) {
        long chars = 0;
        int images = 0;
        int messages = 0;
        for (JsonNode msg : raw.path("messages")) {
            messages++;
            JsonNode content = msg.get("content");
            if (content != null && content.isTextual()) {
                chars += content.asText().length();
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    if (part.path("text").isTextual()) {
                        chars += part.path("text").asText().length();
                    } else if (part.has("image_url")) {
                        images++;
                    }
                }
            }
            for (JsonNode tc : msg.path("tool_calls")) {
                chars += tc.path("function").path("arguments").asText("").length();
            }
        }
        for (JsonNode tool : raw.path("tools")) {
            chars += tool.toString().length();
        }
        long tokenIds = 0; // embeddings input: text, or token ids counted one each
        JsonNode input = raw.path("input");
        if (input.isTextual()) {
            chars += input.asText().length();
        }
        for (JsonNode item : input) {
            if (item.isTextual()) {
                chars += item.asText().length();
            } else if (item.isArray()) {
                tokenIds += item.size();
            } else {
                tokenIds++;
            }
        }
        long tokens = (chars + 3) / 4 + 4L * messages + (long) IMAGE_TOKENS * images + tokenIds;
        return new Estimate(tokens, images);
    }
}
