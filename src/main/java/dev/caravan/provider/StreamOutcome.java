package dev.caravan.provider;

import dev.caravan.api.Usage;

/**
 * How a stream ended, for the access log and metering: usage is what the upstream reported (possibly partial
 * when the stream was cut), {@code chunks} the content chunks delivered to the client.
 *
 * @param result      {@code ok}, {@code error} (upstream failed mid-stream) or {@code client_closed}
 * @param firstChunkNanos nanoTime of the first chunk, 0 when none was sent
 */
public record StreamOutcome(String result, Usage usage, int chunks, long firstChunkNanos, long endNanos,
        String error) {
}
