package dev.caravan.provider.anthropic;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * The reply of a native Messages call: returned to the client as Anthropic sent it, with its usage read for the
 * money steps (OpenAI form, {@link AnthropicMapping#usage}); a count_tokens reply becomes the body as is. Error
 * statuses take the same path as every provider's ({@link ErrorMapper}: 429, 529, 5xx fail over). A stream
 * session passes through.
 */
public final class AnthropicNativeResponse implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        exchange.getMessage().setBody(translate(p.name(), r));
    }

    /** Pure: the upstream reply as a {@link ChatResult} (Messages) or the counted tree (count_tokens). */
    static Object translate(String provider, UpstreamResponse r) {
        if (!r.ok()) {
            throw ErrorMapper.fromUpstream(provider, r.status(), r.retryAfterSeconds(),
                    AnthropicResponseTranslator.parseError(r.body()));
        }
        JsonNode tree;
        try {
            tree = Json.REPLIES.readTree(r.body());
        } catch (IOException e) {
            tree = null;
        }
        if (!(tree instanceof ObjectNode body)) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a Messages API response");
        }
        if (!"message".equals(body.path("type").asText())) {
            return body; // count_tokens: {"input_tokens": N}
        }
        return new ChatResult(body, usage(body.get("usage")));
    }

    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return AnthropicMapping.usage(Json.MAPPER.convertValue(usage, AnthropicWire.Usage.class));
    }
}
