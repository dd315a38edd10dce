package dev.caravan.provider.openai;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Usage;
import dev.caravan.embeddings.EmbeddingVectors;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.embeddings.EmbeddingsResult;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * OpenAI-compatible embeddings reply → client answer: the provider's JSON unchanged (vectors included), its usage
 * read for pricing. Error statuses map as for chat (4xx → the client's error; 429/5xx → failover). When the client
 * asked for base64 and the server sent float arrays anyway, they are encoded; a reply without usage is priced on an
 * estimate, flagged.
 */
public final class OpenAiEmbeddingsResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        EmbeddingsRequest req = call.attachment(EmbeddingsRequest.class);
        translate(p.name(), r, req).applyTo(exchange);
    }

    /** Pure: the client answer for an upstream reply to {@code req}, or the exception it maps to. */
    public static EmbeddingsResult translate(String provider, UpstreamResponse r, EmbeddingsRequest req) {
        ObjectNode tree = OpenAiReplies.object(provider, r, "data");
        if (!tree.path("data").isArray()) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply had no data array");
        }
        if (req != null && req.base64()) {
            EmbeddingVectors.encodeFloatArrays(tree);
        }
        JsonNode u = tree.get("usage");
        if (u != null && u.path("prompt_tokens").canConvertToLong()) {
            long prompt = u.path("prompt_tokens").asLong();
            long total = u.path("total_tokens").canConvertToLong() ? u.path("total_tokens").asLong() : prompt;
            return new EmbeddingsResult(new ChatResult(tree, new Usage(prompt, 0L, total, null, null, null)), false);
        }
        long estimate = req == null ? 0 : req.estimatedTokens();
        ObjectNode usage = tree.putObject("usage");
        usage.put("prompt_tokens", estimate);
        usage.put("total_tokens", estimate);
        return new EmbeddingsResult(new ChatResult(tree, new Usage(estimate, 0L, estimate, null, null, null)), true);
    }
}
