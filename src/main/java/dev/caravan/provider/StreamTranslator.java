package dev.caravan.provider;

/**
 * Turns one provider's stream events into OpenAI chunks. One instance per stream (it may keep state, e.g.
 * Anthropic content-block indexes); events arrive in order from one thread at a time.
 */
public interface StreamTranslator {

    /** How this provider's stream bytes become events: SSE unless the provider frames its stream otherwise. */
    default StreamDecoder decoder(java.util.function.Consumer<SseEvent> sink) {
        return new SseCodec.Reader(sink);
    }

    void onEvent(SseEvent event, ChunkSink out) throws Exception;

    /** The upstream closed the connection; the translator may flush what it holds. */
    default void onEnd(ChunkSink out) {
    }
}
