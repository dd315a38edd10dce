package dev.caravan.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;

/**
 * After the router, before cost: a translated provider's {@code chat.completion} becomes a Response object
 * ({@link ResponseObjects#fromChat}); a native provider's Response gets Caravan's view of {@code store} and
 * {@code previous_response_id} (the upstream saw neither). Streams pass untouched (their encoder builds events).
 */
public final class ResponsesResult implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof ChatResult r)) {
            return;
        }
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ResponsesCall rc = call.attachment(ResponsesCall.class);
        if ("response".equals(r.body().path("object").asText())) {
            ObjectNode body = r.body();
            body.put("store", rc.request().store());
            body.put("previous_response_id", rc.request().previousId());
            return;
        }
        exchange.getMessage().setBody(new ChatResult(ResponseObjects.fromChat(r.body(), rc), r.usage()));
    }
}
