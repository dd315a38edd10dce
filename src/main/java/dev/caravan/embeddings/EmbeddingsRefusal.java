package dev.caravan.embeddings;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;

/**
 * The embeddings branch of a provider route whose provider has no embeddings API (Anthropic; OpenAI-compatible
 * providers with {@code embeddingsPath: none}): a 400 naming the model, before any upstream call, and no failover
 * (the request, not the provider, is wrong for this model).
 */
public final class EmbeddingsRefusal implements Processor {

    @Override
    public void process(Exchange exchange) {
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        throw refusal(p != null ? p.name() : call.provider(), model);
    }

    /** Pure: the 400 for {@code provider/model}. */
    public static ApiException refusal(String provider, String model) {
        return ApiException.badRequest("The model '" + provider + "/" + model + "' does not support embeddings: the "
                + "provider '" + provider + "' has no embeddings API. GET /v1/models lists the embedding models "
                + "this gateway serves.", "model", "model_not_supported");
    }
}
