package dev.caravan.embeddings;

import org.apache.camel.Exchange;

import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.EstimatedUsage;

/**
 * What an embeddings response translator produced: the client's answer ({@code object: list}) with its usage, and
 * whether that usage is Caravan's estimate (the provider reported none).
 */
public record EmbeddingsResult(ChatResult result, boolean estimated) {

    /** Makes the answer the exchange's body and, for an estimate, flags the call so it is priced as one. */
    public void applyTo(Exchange exchange) {
        if (estimated) {
            ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
            call.attach(EstimatedUsage.class, new EstimatedUsage(result.usage().prompt()));
        }
        exchange.getMessage().setBody(result);
    }
}
