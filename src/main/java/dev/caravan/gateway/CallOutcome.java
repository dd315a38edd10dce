package dev.caravan.gateway;

import dev.caravan.api.Usage;

/**
 * How a call ended.
 *
 * @param status          HTTP status sent to the client (a stream that failed after its start keeps 200)
 * @param usage           the upstream's usage (partial when a stream was cut), null when none
 * @param stream          whether the reply was streamed
 * @param result          {@code ok}, {@code error}, or for streams {@code client_closed}
 * @param errorCode       the OpenAI error code sent, or null
 * @param chunks          content chunks delivered (streams)
 * @param firstChunkNanos nanoTime of the first chunk (streams), 0 when none
 * @param endNanos        nanoTime of the end
 */
public record CallOutcome(int status, Usage usage, boolean stream, String result, String errorCode, int chunks,
        long firstChunkNanos, long endNanos) {
}
