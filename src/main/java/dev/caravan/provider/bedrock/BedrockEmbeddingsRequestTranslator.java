package dev.caravan.provider.bedrock;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;

/**
 * Client embeddings request → {@code POST /model/{modelId}/invoke}, SigV4-signed like Converse (or with the
 * Bedrock API key as a bearer token). The translation is {@link BedrockEmbeddings#toUpstream}.
 */
public final class BedrockEmbeddingsRequestTranslator implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        BedrockConfig p = exchange.getProperty(ProviderConfig.PROPERTY, BedrockConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        JsonNode inputType = call.raw().get("input_type");
        if (inputType != null && !inputType.isNull() && !inputType.isTextual()) {
            throw ApiException.badRequest("Invalid type for 'input_type': expected a string.", "input_type",
                    "invalid_type");
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(BedrockEmbeddings.toUpstream(
                call.attachment(EmbeddingsRequest.class), model,
                inputType == null || inputType.isNull() ? null : inputType.asText()));
        p.requireConfigured();
        URI uri = URI.create(p.baseUrl() + path(model));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri,
                BedrockRequestTranslator.authorize(p, uri, headers, bytes), bytes, false, p.timeoutFor(exchange),
                p.idle(), null));
    }

    /** {@code /model/<url-encoded id>/invoke}. */
    static String path(String model) {
        return "/model/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20") + "/invoke";
    }
}
