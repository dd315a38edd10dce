package dev.caravan.messages;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;

/**
 * First step of {@code api.messages} and {@code api.messages.count-tokens}: parses the Anthropic Messages body once,
 * checks it ({@link MessagesRequest}, a 400 naming the field) and translates it at the edge
 * ({@link MessagesToChat}). From here on the call looks like a chat call to the shared steps: {@code call.raw()}
 * and {@code call.request()} are the internal chat request (token estimate, router, every non-Anthropic provider),
 * {@code call.clientBody()} is the body as sent (what {@code anthropic/*} models receive, the response cache key),
 * and streams are written in Anthropic's event format ({@link MessagesStreamEncoder}).
 */
public final class MessagesRequestParser implements Processor {

    /** The prefix of model ids served natively (the client's body passes through). */
    public static final String NATIVE_PREFIX = "anthropic/";

    /** Top-level fields translated for other providers; any other is listed in x-caravan-dropped-params. */
    static final java.util.Set<String> TRANSLATED = java.util.Set.of("model", "max_tokens", "messages", "system",
            "stream", "temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking",
            "metadata", "output_config", "cache_control");

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        ObjectNode body = read(exchange);
        MessagesRequest.check(body, "count_tokens".equals(call.endpoint()));
        boolean nativeModel = body.get("model").asText().startsWith(NATIVE_PREFIX);
        ObjectNode chat = MessagesToChat.translate(body, !nativeModel);
        ChatRequest request;
        try {
            request = Json.MAPPER.treeToValue(chat, ChatRequest.class);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request could not be read: " + e.getOriginalMessage(), null,
                    "invalid_request");
        }
        if (!nativeModel) {
            // fields the chat translation has no place for (service_tier, container, mcp_servers, ...)
            body.fieldNames().forEachRemaining(f -> {
                if (!TRANSLATED.contains(f)) {
                    call.dropped(f);
                }
            });
        }
        call.request(chat, request);
        call.clientBody(body);
        call.streamEncoders(() -> new MessagesStreamEncoder(call.requestId()));
        exchange.getMessage().setBody(request);
    }

    private static ObjectNode read(Exchange exchange) throws Exception {
        return dev.caravan.gateway.RequestBodies.object(exchange, "Messages");
    }
}
