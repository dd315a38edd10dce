package dev.caravan.provider.gemini;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;

/**
 * Client embeddings request → {@code POST /v1beta/models/{model}:batchEmbedContents} with {@code x-goog-api-key}
 * (never a key in the URL). The translation is {@link GeminiEmbeddingsTranslator#toUpstream}.
 */
public final class GeminiEmbeddingsRequestTranslator implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        GeminiEmbeddingsWire.BatchRequest body = GeminiEmbeddingsTranslator.toUpstream(
                call.attachment(EmbeddingsRequest.class), model);
        p.requireConfigured();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        headers.put("x-goog-api-key", p.key());
        String path = "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("%2F", "/")
                + ":batchEmbedContents";
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), URI.create(p.baseUrl() + path), headers,
                Json.MAPPER.writeValueAsBytes(body), false, p.timeoutFor(exchange), p.idle(), null));
    }
}
