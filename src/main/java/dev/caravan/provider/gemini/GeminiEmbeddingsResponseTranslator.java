package dev.caravan.provider.gemini;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * batchEmbedContents reply → OpenAI {@code list} of embeddings ({@link GeminiEmbeddingsTranslator#fromUpstream}),
 * or ApiException (4xx; API_KEY_INVALID → 401) / ProviderUnavailable (429, 5xx: failover).
 */
public final class GeminiEmbeddingsResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        GeminiEmbeddingsTranslator.fromUpstream(p.name(), r, call.attachment(EmbeddingsRequest.class),
                exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class)).applyTo(exchange);
    }
}
