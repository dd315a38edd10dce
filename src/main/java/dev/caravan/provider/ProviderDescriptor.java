package dev.caravan.provider;

import java.util.List;

/** What the gateway needs to know about a provider route to list and route to it. */
public interface ProviderDescriptor {

    /** The model prefix and route name: {@code groq} serves {@code groq/<model>} on {@code direct:provider.groq.chat}. */
    String name();

    /** Models listed by {@code GET /v1/models} (others are still routed when asked for by name). */
    List<String> models();

    /** Embedding models listed by {@code GET /v1/models} (served on {@code POST /v1/embeddings}). */
    default List<String> embeddingModels() {
        return List.of();
    }

    /** False when a required key is missing: calls fail with 503 naming {@link #keyHint()}. */
    boolean configured();

    /** What to set to configure it, e.g. {@code GROQ_API_KEY (or caravan.provider.groq.api-key)}. */
    String keyHint();

    static String endpointFor(String provider) {
        return "direct:provider." + provider + ".chat";
    }
}
