package dev.caravan.state;

/** The shared state could not be read or written in time (Redis down, unreachable, or too slow). */
public final class StateUnavailable extends RuntimeException {

    public StateUnavailable(String message) {
        super(message, null, false, false);
    }
}
