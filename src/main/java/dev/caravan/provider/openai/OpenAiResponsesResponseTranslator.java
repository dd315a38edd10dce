package dev.caravan.provider.openai;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.responses.ResponseObjects;

/**
 * Native Responses reply → client answer: the provider's Response object unchanged, its usage read for pricing.
 * Error statuses map as for chat (4xx → the client's error; 429/5xx → failover). Streams pass untouched.
 */
public final class OpenAiResponsesResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        exchange.getMessage().setBody(translate(p.name(), r));
    }

    /** Pure: the answer for an upstream reply, or the exception it maps to. */
    public static ChatResult translate(String provider, UpstreamResponse r) {
        if (!r.ok()) {
            throw ErrorMapper.fromUpstream(provider, r.status(), r.retryAfterSeconds(),
                    ErrorMapper.parseOpenAiStyle(r.body()));
        }
        JsonNode root;
        try {
            root = Json.REPLIES.readTree(r.body());
        } catch (IOException e) {
            root = null;
        }
        if (!(root instanceof ObjectNode tree) || !"response".equals(tree.path("object").asText())) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a Response object");
        }
        return new ChatResult(tree, ResponseObjects.fromResponsesUsage(tree.get("usage")));
    }
}
