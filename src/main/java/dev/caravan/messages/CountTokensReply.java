package dev.caravan.messages;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.HttpReplies;

/** The last step of {@code api.messages.count-tokens}: {@code {"input_tokens": N}} as JSON. */
public final class CountTokensReply implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ObjectNode body = exchange.getMessage().getMandatoryBody(ObjectNode.class);
        call.status(200);
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(body), Map.of());
    }
}
