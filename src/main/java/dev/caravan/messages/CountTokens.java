package dev.caravan.messages;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.auth.Principal;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.money.TokenEstimator;

/**
 * {@code POST /v1/messages/count_tokens}, after the parser: the key's model scope (403), then either Anthropic's
 * own count ({@code anthropic/<model>}: exchange property {@link #NATIVE} and the route headers for
 * {@code direct:provider.anthropic.chat}) or Caravan's estimate over the translated request
 * ({@link TokenEstimator}: an upper estimate, flagged by {@code x-caravan-estimate: true}). Not billed: no
 * admission, no ledger row.
 */
public final class CountTokens implements Processor {

    /** Exchange property: true when Anthropic counts. */
    public static final String NATIVE = "CaravanCountNative";

    @Override
    public void process(Exchange exchange) {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        Principal p = call.principal();
        String model = call.request().model();
        if (!p.policy().models().allows(model)) {
            throw new ApiException(403, ErrorMapper.PERMISSION, "model_not_allowed", "model", "This key may not use "
                    + "the model '" + model + "'. Allowed: " + p.policy().models().globs() + ".");
        }
        if (model.startsWith(MessagesRequestParser.NATIVE_PREFIX)) {
            String upstream = model.substring(MessagesRequestParser.NATIVE_PREFIX.length());
            exchange.getMessage().setHeader(RouteHeaders.PROVIDER, "anthropic");
            exchange.getMessage().setHeader(RouteHeaders.MODEL, upstream);
            call.provider("anthropic");
            call.upstreamModel(upstream);
            exchange.setProperty(NATIVE, true);
            return;
        }
        long tokens = TokenEstimator.promptTokens(call.raw());
        call.responseHeader("x-caravan-estimate", "true");
        exchange.getMessage().setBody(dev.caravan.api.Json.NODES.objectNode().put("input_tokens", tokens));
    }
}
