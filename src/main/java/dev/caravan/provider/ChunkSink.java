package dev.caravan.provider;

import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;

/** Where a {@link StreamTranslator} puts what it made of an upstream event. */
public interface ChunkSink {

    /** The id, created and model every chunk of this stream carries (used for the usage chunk). */
    void meta(String id, long created, String model);

    /**
     * One OpenAI {@code chat.completion.chunk}: a record, a JSON tree, or, when {@link #takesRawChunks}, a
     * {@link StreamEncoder.RawChunk}.
     */
    void chunk(Object chunk);

    /**
     * Whether {@link #chunk} may be handed a chunk as the provider's text ({@link StreamEncoder.RawChunk}); a sink
     * that reads chunks gets them as trees (and the translator then skips its pass-through check).
     */
    default boolean takesRawChunks() {
        return false;
    }

    /** The stream's usage so far (cumulative: the last call wins). */
    void usage(Usage usage);

    /** A finish_reason was sent: the answer is complete even if the upstream then drops the connection. */
    void finished();

    /** The upstream's logical end ({@code [DONE]}, {@code message_stop}, the last Gemini chunk). */
    void done();

    /**
     * The upstream reported an error inside the stream. {@code status} is the HTTP status that error would have
     * had (e.g. 529 for Anthropic's overloaded_error), which decides failover before the first chunk.
     */
    void error(int status, ErrorMapper.UpstreamError error);
}
