package dev.caravan.messages;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.provider.ChatResult;

/**
 * After the router in {@code api.messages}: a translated provider's {@code chat.completion} becomes an Anthropic
 * {@code message} ({@link ChatToMessages}); the usage stays the OpenAI one the money steps read. An Anthropic
 * reply passed through natively (already {@code type: message}) and streams are left alone.
 */
public final class MessagesReply implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof ChatResult r)) {
            return;
        }
        if ("message".equals(r.body().path("type").asText())) {
            return;
        }
        exchange.getMessage().setBody(new ChatResult(ChatToMessages.translate(r.body(), r.usage()), r.usage()));
    }
}
