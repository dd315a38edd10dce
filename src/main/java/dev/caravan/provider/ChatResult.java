package dev.caravan.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Usage;

/**
 * A finished non-streamed answer in OpenAI {@code chat.completion} form: the JSON tree that goes to the client
 * (later stages may add to it, e.g. cost) and the usage read from it.
 */
public record ChatResult(ObjectNode body, Usage usage) {
}
