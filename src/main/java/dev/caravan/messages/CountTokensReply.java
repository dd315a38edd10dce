package dev.caravan.messages;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.CallEvents;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.HttpReplies;

/**
 * The last step of {@code api.messages.count-tokens}: {@code {"input_tokens": N}} as JSON, reported like every
 * other call (access log line, request metrics); counting is free, so it is neither priced nor a ledger row.
 */
public final class CountTokensReply implements Processor {

    private final CallEvents events;

    public CountTokensReply(CallEvents events) {
        this.events = events;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ObjectNode body = exchange.getMessage().getMandatoryBody(ObjectNode.class);
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(body), Map.of());
        events.answered(call);
    }
}
