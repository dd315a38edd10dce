package dev.caravan.gateway;

/**
 * Told once about every finished API call: for a non-streamed call when its reply is built, for a stream when the
 * stream ended (completed, failed or abandoned by the client). Access log, metering and metrics are listeners;
 * any bean of this type in the registry is called, in no particular order, on the thread that finished the call,
 * so a listener must be fast and must not throw (hand heavy work to a queue).
 */
public interface CallListener {

    void completed(ChatCall call, CallOutcome outcome);

    /**
     * Told when a streamed reply starts (headers sent, the client owns the stream); {@link #completed} follows when
     * it ends. Listeners that count open streams override this.
     */
    default void streamStarted(ChatCall call) {
    }
}
