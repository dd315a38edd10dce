package dev.caravan.responses;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.gateway.ChatCall;
import dev.caravan.money.Admission;
import dev.caravan.provider.ChatResult;

/**
 * After cost, before the reply of a non-streamed call: a response-cache hit gets this call's own id and time
 * (a stored response is never shared by two calls), and the response is stored when {@code store} is on
 * (asynchronously: see {@link ResponseStore}). Streams are stored by their encoder at the end of the stream.
 */
public final class ResponsesKeep implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof ChatResult r)) {
            return;
        }
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ResponsesCall rc = call.attachment(ResponsesCall.class);
        if (Boolean.TRUE.equals(exchange.getProperty(Admission.CACHE_HIT, Boolean.class))) {
            r.body().put("id", rc.id());
            r.body().put("created_at", rc.createdAt());
        }
        rc.keep(r.body().deepCopy());
    }
}
