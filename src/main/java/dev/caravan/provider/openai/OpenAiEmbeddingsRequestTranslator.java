package dev.caravan.provider.openai;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.embeddings.EmbeddingsRefusal;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;

/**
 * Client embeddings request → {@code POST {baseUrl}{embeddingsPath}} of an OpenAI-compatible provider: the
 * client's JSON as sent, with the model replaced (pass-through; chat quirks do not apply). A provider whose
 * {@code embeddingsPath} is {@code none} refuses with a 400 naming the model, before any upstream call.
 */
public final class OpenAiEmbeddingsRequestTranslator implements Processor {

    private static final String USER_AGENT = "caravan/" + OpenAiEmbeddingsRequestTranslator.class.getPackage()
            .getImplementationVersion();

    @Override
    public void process(Exchange exchange) throws Exception {
        OpenAiCompatibleProvider p = exchange.getProperty(ProviderConfig.PROPERTY, OpenAiCompatibleProvider.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        if (p.embeddingsPath() == null) {
            throw EmbeddingsRefusal.refusal(p.name(), model);
        }
        p.requireConfigured();
        if (p.modelPrefix() != null && !model.contains("/")) {
            model = p.modelPrefix() + model;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        headers.put("user-agent", USER_AGENT);
        headers.putAll(p.authHeaders());
        headers.putAll(p.fixedHeaders());
        URI uri = URI.create(p.baseUrl() + p.embeddingsPath().replace("{model}",
                URLEncoder.encode(model, StandardCharsets.UTF_8)));
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri, headers,
                Json.MAPPER.writeValueAsBytes(translate(call.raw(), model)), false, p.timeoutFor(exchange), p.idle(),
                null));
    }

    /** Pure: the upstream body, the client's with {@code model} replaced (the client's tree stays intact). */
    public static ObjectNode translate(ObjectNode raw, String model) {
        ObjectNode body = Json.NODES.objectNode();
        body.setAll(raw);
        body.put("model", model);
        return body;
    }
}
