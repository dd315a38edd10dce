package dev.caravan.provider.bedrock;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;

/**
 * InvokeModel embeddings reply → OpenAI {@code list} of embeddings ({@link BedrockEmbeddings#fromUpstream}), or
 * ApiException (validation, access) / ProviderUnavailable (throttling, 5xx: failover).
 */
public final class BedrockEmbeddingsResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        BedrockEmbeddings.fromUpstream(p.name(), r, call.attachment(EmbeddingsRequest.class),
                exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class)).applyTo(exchange);
    }
}
