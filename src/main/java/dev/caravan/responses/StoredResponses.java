package dev.caravan.responses;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.ApiGuard;
import dev.caravan.gateway.CallEvents;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.HttpReplies;

/**
 * {@code GET /v1/responses/{id}} (the stored Response), {@code GET /v1/responses/{id}/input_items} (the items that
 * led to it, as a list) and {@code DELETE /v1/responses/{id}}. Only the key that created a response sees it: any
 * other key, an unknown or an expired id get the same 404. Each is reported like every other call (access log
 * line, request metrics); reading what was stored costs nothing, so it is neither priced nor a ledger row.
 */
public final class StoredResponses implements Processor {

    private final ResponseStore store;
    private final CallEvents events;

    public StoredResponses(ResponseStore store, CallEvents events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String path = exchange.getProperty(ApiGuard.PATH_ID, String.class);
        String method = exchange.getProperty(ApiGuard.METHOD, String.class);
        boolean items = path.endsWith("/input_items");
        String id = items ? path.substring(0, path.length() - "/input_items".length()) : path;
        String keyId = call.principal() == null ? "anonymous" : call.principal().keyId();
        if (id.isEmpty() || id.contains("/") || (items && "DELETE".equals(method))) {
            throw notFound(path);
        }
        ObjectNode body;
        if ("DELETE".equals(method)) {
            if (!store.delete(id, keyId)) {
                throw notFound(id);
            }
            body = Json.NODES.objectNode();
            body.put("id", id);
            body.put("object", "response.deleted");
            body.put("deleted", true);
        } else {
            ResponseStore.Stored s = store.find(id, keyId);
            if (s == null) {
                throw notFound(id);
            }
            body = items ? inputItems(s) : s.response();
        }
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(body), Map.of());
        events.answered(call);
    }

    private static ObjectNode inputItems(ResponseStore.Stored s) {
        ObjectNode list = Json.NODES.objectNode();
        list.put("object", "list");
        var data = list.putArray("data");
        // newest first, as OpenAI lists them by default
        for (int i = s.input().size() - 1; i >= 0; i--) {
            data.add(s.input().get(i));
        }
        list.put("first_id", data.isEmpty() ? null : data.get(0).path("id").asText(null));
        list.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).path("id").asText(null));
        list.put("has_more", false);
        return list;
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, ErrorMapper.INVALID_REQUEST, "not_found", null,
                "Response with id '" + id + "' not found.");
    }
}
