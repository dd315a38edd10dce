package dev.caravan.gateway;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.provider.StreamOutcome;

/** Delivers each finished call to every {@link CallListener}; a failing listener never affects the call. */
public final class CallEvents {

    private static final Logger LOG = LoggerFactory.getLogger(CallEvents.class);

    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();

    public void add(CallListener l) {
        listeners.add(l);
    }

    /** Adds a listener that runs before the others: one that settles what they report (the call's price). */
    public void addFirst(CallListener l) {
        listeners.add(0, l);
    }

    public void completed(ChatCall call, CallOutcome outcome) {
        if (call == null) {
            return;
        }
        for (CallListener l : listeners) {
            try {
                l.completed(call, outcome);
            } catch (RuntimeException e) {
                LOG.warn("call listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /**
     * A call answered 200 with nothing to price (model listing, stored response, token count): reported like every
     * call (access log, request metrics, trace span); the metering listener leaves it alone.
     */
    public void answered(ChatCall call) {
        if (call == null) {
            return;
        }
        call.status(200);
        completed(call, new CallOutcome(200, null, false, "ok", null, 0, 0, System.nanoTime()));
    }

    public void streamStarted(ChatCall call) {
        for (CallListener l : listeners) {
            try {
                l.streamStarted(call);
            } catch (RuntimeException e) {
                LOG.warn("call listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    public void streamed(ChatCall call, StreamOutcome o) {
        completed(call, new CallOutcome(200, o.usage(), true, o.result(),
                "error".equals(o.result()) ? "upstream_stream_error" : null, o.chunks(), o.firstChunkNanos(),
                o.endNanos()));
    }
}
