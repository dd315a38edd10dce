package dev.caravan.provider;

import java.nio.ByteBuffer;

/**
 * Upstream stream bytes → events, fed incrementally: a piece may end anywhere, mid-event or mid-character. SSE
 * ({@link SseCodec.Reader}) unless a provider's {@link StreamTranslator#decoder} says otherwise (e.g. the binary
 * AWS event stream). Not thread-safe: one per stream, fed in order.
 */
public interface StreamDecoder {

    void feed(ByteBuffer bytes);

    /** End of input: whatever complete event is still held is delivered; a partial one is not an event. */
    void finish();
}
