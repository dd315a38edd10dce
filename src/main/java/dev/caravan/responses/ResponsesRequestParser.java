package dev.caravan.responses;

import java.time.Clock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.auth.Principal;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;

/**
 * First step of {@code api.responses}: parses and validates the Responses request ({@link ResponsesRequest}),
 * rebuilds the conversation of {@code previous_response_id} from Caravan's store (so it continues on any provider),
 * and makes the call look like a chat call to the shared steps: {@code call.raw()} and the body are the Chat
 * Completions translation (routing, token estimates, translated providers), {@code call.clientBody()} the client's
 * JSON (native providers, the response cache key). Streams get the Responses event encoder.
 */
public final class ResponsesRequestParser implements Processor {

    private final ResponseStore store;
    private final Clock clock;

    public ResponsesRequestParser(ResponseStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ObjectNode tree = read(exchange);
        ResponsesRequest req = ResponsesRequest.parse(tree);
        Principal who = call.principal();
        String keyId = who == null ? "anonymous" : who.keyId();
        ArrayNode history = Json.NODES.arrayNode();
        if (req.previousId() != null) {
            ResponseStore.Stored prev = store.find(req.previousId(), keyId);
            if (prev == null) {
                throw ApiException.badRequest("Previous response with id '" + req.previousId() + "' not found.",
                        "previous_response_id", "previous_response_not_found");
            }
            history.addAll(prev.input());
            for (JsonNode item : prev.response().path("output")) {
                history.add(item);
            }
        }
        ArrayNode conversation = Json.NODES.arrayNode();
        conversation.addAll(history);
        conversation.addAll(req.newItems());
        ResponsesCall rc = new ResponsesCall(req, keyId, who == null ? null : who.tenant(), conversation, store,
                clock.instant().getEpochSecond());
        boolean[] droppedReasoning = new boolean[1];
        ObjectNode chat = req.toChat(history, droppedReasoning);
        rc.droppedReasoning(droppedReasoning[0]);
        ChatRequest internal = typed(chat);
        call.request(chat, internal);
        call.clientBody(tree);
        call.attach(ResponsesCall.class, rc);
        call.streamEncoders(() -> new ResponsesStreamEncoder(rc));
        exchange.getMessage().setBody(internal);
    }

    private static ChatRequest typed(ObjectNode chat) {
        try {
            return Json.MAPPER.treeToValue(chat, ChatRequest.class);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request could not be translated: " + e.getOriginalMessage(), null,
                    "invalid_value");
        }
    }

    private static ObjectNode read(Exchange exchange) throws Exception {
        return dev.caravan.gateway.RequestBodies.object(exchange, "Responses");
    }
}
