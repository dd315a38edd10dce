package dev.caravan.provider.vertex;

import java.net.URI;
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
 * Client embeddings request → {@code POST …/publishers/google/models/{model}:predict} with a Google access token.
 * The translation is {@link VertexEmbeddings#toUpstream}.
 */
public final class VertexEmbeddingsRequestTranslator implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        VertexConfig p = exchange.getProperty(ProviderConfig.PROPERTY, VertexConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        JsonNode taskType = call.raw().get("task_type");
        if (taskType != null && !taskType.isNull() && !taskType.isTextual()) {
            throw ApiException.badRequest("Invalid type for 'task_type': expected a string.", "task_type",
                    "invalid_type");
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(VertexEmbeddings.toUpstream(
                call.attachment(EmbeddingsRequest.class), model,
                taskType == null || taskType.isNull() ? null : taskType.asText()));
        p.requireConfigured();
        URI uri = URI.create(p.baseUrl() + p.modelPath("google", model, "predict"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        headers.putAll(p.authHeaders(uri));
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri, headers, body, false,
                p.timeoutFor(exchange), p.idle(), null));
    }
}
