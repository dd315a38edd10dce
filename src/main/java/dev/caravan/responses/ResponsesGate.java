package dev.caravan.responses;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.openai.OpenAiCompatibleProvider;

/**
 * In every provider route, right after the provider's configuration step: on {@code /v1/responses} decides
 * whether this provider serves the Responses API natively (an OpenAI-compatible provider with a
 * {@code responsesPath}; exchange property {@link #NATIVE}). A translated provider refuses, with a 400 naming the
 * field, what the chat translation cannot honour (built-in tools, include, text.verbosity, ...), and notes the
 * harmless drops in x-caravan-dropped-params. Other endpoints pass untouched.
 */
public final class ResponsesGate implements Processor {

    /** Exchange property: true when the provider gets the client's Responses body (pass-through). */
    public static final String NATIVE = "CaravanResponsesNative";

    @Override
    public void process(Exchange exchange) {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ResponsesCall rc = call == null ? null : call.attachment(ResponsesCall.class);
        if (rc == null || !"responses".equals(call.endpoint())) {
            return;
        }
        ProviderConfig p = exchange.getProperty(ProviderConfig.PROPERTY, ProviderConfig.class);
        boolean nativeApi = p instanceof OpenAiCompatibleProvider o && o.responsesPath() != null;
        exchange.setProperty(NATIVE, nativeApi);
        if (nativeApi) {
            return;
        }
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        Map<String, String> refused = rc.request().refused();
        if (!refused.isEmpty()) {
            Map.Entry<String, String> first = refused.entrySet().iterator().next();
            throw ApiException.badRequest("'" + first.getKey() + "' is not supported on "
                    + (p == null ? "this provider" : p.name()) + (model == null ? "" : " (model " + model + ")")
                    + ": " + first.getValue() + ", and this provider is served through a Chat Completions "
                    + "translation. Route the request to a provider with the Responses API (openai) or remove it.",
                    first.getKey(), "unsupported_parameter");
        }
        for (String f : new String[] {"service_tier", "prompt_cache_key", "stream_options"}) {
            if (rc.request().body().has(f)) {
                call.dropped(f);
            }
        }
        if (rc.droppedReasoning()) {
            call.dropped("input[].reasoning");
        }
    }
}
