package dev.caravan.provider.vertex;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.provider.anthropic.AnthropicResponseTranslator;
import dev.caravan.provider.gemini.GeminiResponseTranslator;

/**
 * Vertex reply → OpenAI {@code chat.completion}: Claude replies (and errors) are Messages API replies, Gemini
 * replies are generateContent replies; each goes through its provider's translator. A stream passes through.
 */
public final class VertexResponseTranslator implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof UpstreamResponse r)) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        long created = System.currentTimeMillis() / 1000;
        boolean claude = Boolean.TRUE.equals(exchange.getProperty(VertexRequestTranslator.CLAUDE, Boolean.class));
        exchange.getMessage().setBody(claude
                ? AnthropicResponseTranslator.translate(p.name(), r, Boolean.TRUE.equals(exchange.getProperty(
                        VertexRequestTranslator.JSON_TOOL, Boolean.class)), created, model)
                : GeminiResponseTranslator.translate(p.name(), r, created, model));
    }
}
