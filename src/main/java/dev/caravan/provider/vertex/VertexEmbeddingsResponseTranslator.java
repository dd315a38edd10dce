package dev.caravan.provider.vertex;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * predict reply → OpenAI {@code list} of embeddings ({@link VertexEmbeddings#fromUpstream}), or ApiException (4xx)
 * / ProviderUnavailable (429, 5xx: failover), mapped from Google's error body.
 */
public final class VertexEmbeddingsResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        VertexEmbeddings.fromUpstream(p.name(), r, call.attachment(EmbeddingsRequest.class),
                exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class)).applyTo(exchange);
    }
}
