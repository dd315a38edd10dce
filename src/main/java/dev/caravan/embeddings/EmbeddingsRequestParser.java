package dev.caravan.embeddings;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;

/**
 * Parses the body of {@code POST /v1/embeddings} once and validates it ({@link EmbeddingsRequest#parse}). The call
 * then looks like any other to the shared steps: {@code call.raw()} is the client's embeddings JSON (the response
 * cache key, the token estimate for RPM/TPM and the budget, the body OpenAI-compatible providers receive),
 * {@code call.request()} an internal {@link ChatRequest} with the model, no stream and an output cap of 0 (an
 * embedding has no output tokens). The body becomes that request, so the routing file's {@code ${body.model}}
 * works as for chat; the typed embeddings request is attached to the call.
 */
public final class EmbeddingsRequestParser implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ObjectNode tree = read(exchange);
        EmbeddingsRequest req = EmbeddingsRequest.parse(tree);
        ChatRequest internal = internal(req);
        call.request(tree, internal);
        call.attach(EmbeddingsRequest.class, req);
        exchange.getMessage().setBody(internal);
    }

    /** The chat-shaped view the shared steps read: model, user, no stream, no output. */
    static ChatRequest internal(EmbeddingsRequest req) {
        ObjectNode o = Json.NODES.objectNode();
        o.put("model", req.model());
        o.put("stream", false);
        o.put("max_completion_tokens", 0);
        if (req.user() != null) {
            o.put("user", req.user());
        }
        try {
            return Json.MAPPER.treeToValue(o, ChatRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode read(Exchange exchange) throws Exception {
        return dev.caravan.gateway.RequestBodies.object(exchange, "embeddings");
    }
}
