package dev.caravan.provider;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.caravan.api.ApiError;
import dev.caravan.api.ChatChunk;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;

/**
 * The client's side of a stream: what {@link StreamSession} writes for each OpenAI chunk a provider's
 * {@link StreamTranslator} produced, at the stream's end and on a failure after the first chunk. Chat Completions
 * frames each chunk as {@code data: <json>}; the other client APIs (Anthropic Messages, OpenAI Responses) supply
 * their own encoder, a small state machine, through {@code ChatCall#streamEncoder}. One instance per stream
 * attempt, called under the session's lock, in order.
 */
public interface StreamEncoder {

    /**
     * One chunk: an OpenAI {@code chat.completion.chunk} (a record or a JSON tree), or a {@link Verbatim} event a
     * native pass-through translator forwards unchanged. Writes zero or more framed events to {@code out}.
     */
    void chunk(Object chunk, Consumer<byte[]> out);

    /**
     * The upstream's logical end. {@code usage} is the stream's usage with Caravan's cost applied (null when the
     * provider sent none); {@code id}, {@code created} and {@code model} are the stream's meta.
     */
    void end(Usage usage, String id, long created, String model, Consumer<byte[]> out);

    /**
     * The end, for an encoder that may have to wait before it can write it (a guardrail that has a service review
     * the whole answer). Returns null when the end was written at once; otherwise a future that completes once
     * the encoder wrote its final events to {@code out}, or exceptionally with an
     * {@link dev.caravan.error.ApiException} when the answer is refused (the session then asks {@link #error} for
     * the error event). An encoder that wraps another passes this on to the one it wraps.
     */
    default CompletableFuture<Void> endDeferred(Usage usage, String id, long created, String model,
            Consumer<byte[]> out) {
        end(usage, id, created, model, out);
        return null;
    }

    /** The stream failed after its first chunk: an error event in the client API's format, then its end. */
    void error(ApiError error, int status, Consumer<byte[]> out);

    /** Already framed SSE bytes a native pass-through sends to the client as the provider sent them. */
    record Verbatim(byte[] bytes) {
    }

    /**
     * An OpenAI {@code chat.completion.chunk} as the provider's JSON text, which its translator found needs no
     * change (no usage, finish reason, tool call or error in it). Only an encoder that {@link #takesRawChunks} is
     * given one; it writes the text as it is.
     */
    record RawChunk(String json) {
    }

    /** Whether {@link #chunk} takes a {@link RawChunk} (false: every chunk comes as a record or a tree). */
    default boolean takesRawChunks() {
        return false;
    }

    /** OpenAI Chat Completions: {@code data: <chunk>}, the usage chunk when asked for, {@code data: [DONE]}. */
    static StreamEncoder chat(boolean includeUsage) {
        return new StreamEncoder() {
            @Override
            public boolean takesRawChunks() {
                return true;
            }

            @Override
            public void chunk(Object chunk, Consumer<byte[]> out) {
                out.accept(chunk instanceof Verbatim v ? v.bytes()
                        : chunk instanceof RawChunk r ? SseCodec.data(r.json())
                        : SseCodec.data(json(chunk)));
            }

            @Override
            public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
                if (includeUsage && usage != null) {
                    out.accept(SseCodec.data(json(ChatChunk.usage(id, created, model, usage))));
                }
                out.accept(SseCodec.DONE);
            }

            @Override
            public void error(ApiError error, int status, Consumer<byte[]> out) {
                out.accept(SseCodec.data(json(error)));
                out.accept(SseCodec.DONE);
            }
        };
    }

    /** JSON bytes of a record or tree. */
    static byte[] json(Object o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize chunk", e);
        }
    }
}
