package dev.caravan.gateway;

import java.io.InputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;

/** Reads a client API's request body: one JSON object, or a 400 {@code invalid_json} saying what is wrong. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** @param what the request named in the empty-body message ("embeddings", "Messages", "Responses") */
    public static ObjectNode object(Exchange exchange, String what) throws Exception {
        JsonNode root;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            root = in == null ? null : Json.readRequest(in);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            throw ApiException.badRequest("The request body is not valid JSON: "
                    + (msg.length() > 200 ? msg.substring(0, 200) + "…" : msg), null, "invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.badRequest("The request body is empty; send a JSON " + what + " request.", null,
                    "invalid_json");
        }
        if (!(root instanceof ObjectNode tree)) {
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        return tree;
    }
}
