package dev.caravan.provider.openai;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;
import dev.caravan.responses.ResponsesCall;

/**
 * Client Responses request → {@code POST {baseUrl}{responsesPath}} of a provider that serves the Responses API
 * natively: the client's JSON as sent, with {@code model} replaced, {@code store: false} (Caravan keeps the
 * response itself, so the conversation can continue on any provider) and {@code previous_response_id} resolved by
 * Caravan: its stored items are sent as input (item ids and reasoning items without encrypted content removed:
 * nothing is stored upstream to refer to).
 */
public final class OpenAiResponsesRequestTranslator implements Processor {

    private static final String USER_AGENT = "caravan/" + OpenAiResponsesRequestTranslator.class.getPackage()
            .getImplementationVersion();

    @Override
    public void process(Exchange exchange) throws Exception {
        OpenAiCompatibleProvider p = exchange.getProperty(ProviderConfig.PROPERTY, OpenAiCompatibleProvider.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ResponsesCall rc = call.attachment(ResponsesCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        if (p.modelPrefix() != null && !model.contains("/")) {
            model = p.modelPrefix() + model;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", call.isStream() ? "text/event-stream" : "application/json");
        headers.put("user-agent", USER_AGENT);
        if (p.key() != null) {
            String scheme = p.authScheme();
            headers.put(p.authHeader(), scheme == null || scheme.isBlank() ? p.key() : scheme.trim() + " " + p.key());
        }
        headers.putAll(p.fixedHeaders());
        URI uri = URI.create(p.baseUrl() + p.responsesPath().replace("{model}",
                URLEncoder.encode(model, StandardCharsets.UTF_8)));
        ObjectNode body = translate((ObjectNode) call.clientBody(), model, rc.continues() ? rc.conversation() : null);
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri, headers,
                Json.MAPPER.writeValueAsBytes(body), call.isStream(), p.timeoutFor(exchange), p.idle(),
                call.isStream() ? new OpenAiResponsesStreamTranslator(rc) : null));
    }

    /**
     * Pure: the upstream body. {@code conversation} (non-null when the request continues a stored response)
     * replaces {@code input}; the client's tree stays intact.
     */
    public static ObjectNode translate(ObjectNode client, String model, ArrayNode conversation) {
        ObjectNode body = Json.NODES.objectNode();
        body.setAll(client);
        body.put("model", model);
        body.put("store", false);
        if (conversation != null) {
            body.remove("previous_response_id");
            ArrayNode input = body.putArray("input");
            for (JsonNode item : conversation) {
                if ("reasoning".equals(item.path("type").asText()) && !item.path("encrypted_content").isTextual()) {
                    continue;
                }
                ObjectNode copy = item.deepCopy();
                copy.remove("id");
                copy.remove("status");
                input.add(copy);
            }
        }
        return body;
    }
}
