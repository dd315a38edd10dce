package dev.caravan.provider.anthropic;

import java.net.URI;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;

/**
 * The native branches of the Anthropic route ({@code POST /v1/messages} and {@code /v1/messages/count_tokens} from
 * an Anthropic client): the client's body goes upstream as sent (thinking blocks and their signatures,
 * cache_control, server tools, every field Caravan does not know) with only {@code model} replaced by the
 * deployment's model; the client's {@code anthropic-beta} header is forwarded. count_tokens gets only the fields
 * that endpoint accepts.
 */
public final class AnthropicNativeRequest implements Processor {

    /** The fields Anthropic's count_tokens accepts (a Messages body also has max_tokens, stream, sampling, ...). */
    static final Set<String> COUNT_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice", "thinking",
            "mcp_servers", "output_config", "context_management", "cache_control");

    private boolean countTokens;

    /** true: the count_tokens branch. */
    public void setCountTokens(boolean countTokens) {
        this.countTokens = countTokens;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        AnthropicConfig p = exchange.getProperty(ProviderConfig.PROPERTY, AnthropicConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        ObjectNode body = body((ObjectNode) call.clientBody(), model, countTokens);
        boolean stream = !countTokens && body.path("stream").asBoolean(false);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        headers.put("x-api-key", p.key());
        headers.put("anthropic-version", p.anthropicVersion());
        String beta = call.clientHeader("anthropic-beta");
        if (beta != null && !beta.isBlank()) {
            headers.put("anthropic-beta", beta.trim());
        }
        String path = countTokens ? "/v1/messages/count_tokens" : "/v1/messages";
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), URI.create(p.baseUrl() + path), headers,
                Json.MAPPER.writeValueAsBytes(body), stream, p.timeoutFor(exchange), p.idle(),
                stream ? new AnthropicNativeStreamTranslator() : null));
    }

    /** Pure: the upstream body, the client's with the model replaced (count_tokens: its fields only). */
    static ObjectNode body(ObjectNode client, String model, boolean countTokens) {
        ObjectNode out = client.deepCopy();
        out.put("model", model);
        if (countTokens) {
            for (Iterator<Map.Entry<String, JsonNode>> it = out.fields(); it.hasNext();) {
                if (!COUNT_FIELDS.contains(it.next().getKey())) {
                    it.remove();
                }
            }
        }
        return out;
    }
}
