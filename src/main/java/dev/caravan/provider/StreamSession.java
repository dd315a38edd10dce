package dev.caravan.provider;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.ApiError;
import dev.caravan.api.Usage;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.http.SseResponse;
import dev.caravan.support.Secrets;

/**
 * One upstream stream on its way to the client: upstream bytes → the provider's {@link StreamDecoder} (SSE by
 * default) → its {@link StreamTranslator} → OpenAI chunks → {@link SseResponse}. Shared by every provider.
 *
 * <p>Until the first chunk exists the stream is still "undecided": a failure then completes {@link #firstChunk()}
 * exceptionally, so the route can fail over. After it, the client owns the stream and a failure ends it with an
 * OpenAI error event and {@code [DONE]}. The usage chunk ({@code choices: []}) is emitted here, last, when the
 * client asked for {@code include_usage}; whatever the client asked, usage is reported to {@code onFinish}.
 */
public final class StreamSession implements Flow.Subscriber<List<ByteBuffer>>, ChunkSink {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
    private static final long PENDING_LIMIT = 256 * 1024;

    private final String provider;
    private final StreamTranslator translator;
    private final StreamEncoder encoder;
    private final long timeoutNanos;
    private final long idleNanos;
    private final ScheduledExecutorService timer;
    private final StreamDecoder reader;
    private final CompletableFuture<StreamSession> firstChunk = new CompletableFuture<>();

    private volatile Flow.Subscription subscription;
    private volatile SseResponse out;
    private final List<byte[]> pending = new ArrayList<>();
    private long pendingBytes;
    private final java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean ended;
    /** The upstream answer is complete and the encoder is still writing its end (a guardrail's review). */
    private boolean reviewing;
    private boolean sawFinish;
    private int chunks;
    private long firstChunkNanos;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> watchdog;
    private String id;
    private long created;
    private String model;
    private Usage usage;
    private Function<StreamOutcome, CompletableFuture<?>> onFinish = o -> null;
    /** The stream's final events (end or error), held back until {@code onFinish}'s hold completed. */
    private List<byte[]> tail;
    private StreamOutcome finishedBeforeAttach;
    /** Set under the lock, delivered after it is released: Camel resumes the route from that completion. */
    private Throwable firstFailure;
    private boolean firstReady;
    /** How the provider's side ended once it has: true when the provider failed it after its first chunk. */
    private Boolean upstreamFault;
    private Consumer<Boolean> onUpstreamSettled;

    private final java.util.function.UnaryOperator<Usage> usageDecorator;

    public StreamSession(String provider, StreamTranslator translator, StreamEncoder encoder,
            java.util.function.UnaryOperator<Usage> usageDecorator, long timeoutNanos, long idleNanos,
            ScheduledExecutorService timer) {
        this.provider = provider;
        this.usageDecorator = usageDecorator == null ? java.util.function.UnaryOperator.identity() : usageDecorator;
        this.translator = translator;
        this.encoder = encoder;
        this.timeoutNanos = timeoutNanos;
        this.idleNanos = idleNanos;
        this.timer = timer;
        this.reader = translator.decoder(this::onSse);
    }

    /** Completes with this session when the first chunk is ready, exceptionally when the stream failed first. */
    public CompletableFuture<StreamSession> firstChunk() {
        return firstChunk;
    }

    public String provider() {
        return provider;
    }

    /** True once the stream has ended for the client (answer complete, failed, or the client left). */
    public boolean isEnded() {
        return ended;
    }

    /**
     * Tells {@code settled} once, when the provider's side of the stream is over: {@code true} when the provider
     * failed it after its first chunk (the connection broke, an error event, an event that could not be read, the
     * stream ended before the answer did, or it fell silent past the idle bound), {@code false} otherwise (a
     * complete answer, the client leaving, a guardrail's refusal). At once when that is known already. Runs on
     * the thread that ended the stream, under this session's lock: it must be short and must not block.
     */
    public void whenUpstreamSettled(Consumer<Boolean> settled) {
        Boolean known;
        synchronized (this) {
            known = upstreamFault;
            if (known == null) {
                onUpstreamSettled = settled;
                return;
            }
        }
        settled.accept(known);
    }

    /** The provider's side is over; the first call decides (an error end settles before its finish does). */
    private void settle(boolean fault) {
        if (upstreamFault != null) {
            return;
        }
        upstreamFault = fault;
        Consumer<Boolean> c = onUpstreamSettled;
        onUpstreamSettled = null;
        if (c != null) {
            try {
                c.accept(fault);
            } catch (RuntimeException e) {
                LOG.warn("stream from {}: settling its attempt failed: {}", provider, e.toString());
            }
        }
    }

    /**
     * The route failed after this stream's first chunk and before a client response was attached (a step of the
     * routing file after the deployment threw): nothing more is read, the upstream call is cancelled, and the
     * attempt settles as the provider's success (it worked; the gateway dropped the answer). No-op once attached.
     */
    public void abandon() {
        synchronized (this) {
            if (out != null) {
                return;
            }
            ended = true;
            reviewing = false;
            settle(false);
            cancelWatchdog();
            pending.clear();
            pendingBytes = 0;
            onFinish = o -> null;
        }
        cancelUpstream();
    }

    /** Hands the stream to the client's response; chunks held so far are flushed. */
    public void attach(SseResponse response, Consumer<StreamOutcome> onFinish) {
        attach(response, o -> {
            onFinish.accept(o);
            return null;
        });
    }

    /**
     * Hands the stream to the client's response; chunks held so far are flushed. {@code onFinish} is told the
     * outcome when the stream ends; the final events (usage, {@code [DONE]}, or the error event) and the end of
     * the response are sent when the future it returns completes (at once when it returns null).
     */
    public void attach(SseResponse response, Function<StreamOutcome, CompletableFuture<?>> onFinish) {
        StreamOutcome early;
        List<byte[]> earlyTail;
        synchronized (this) {
            this.out = response;
            this.onFinish = onFinish;
            for (byte[] b : pending) {
                response.send(b);
            }
            pending.clear();
            pendingBytes = 0;
            early = finishedBeforeAttach;
            earlyTail = tail;
            if (ended && !reviewing) {
                if (early == null) {
                    response.end();
                }
                this.onFinish = o -> null;
            }
        }
        if (early != null) {
            endAfter(response, earlyTail, onFinish.apply(early));
        }
        response.onAbort(this::clientGone);
        response.onDrained(this::resume);
        resume();
    }

    /** Sends the final events and ends the response, now or when {@code hold} completed. */
    private static void endAfter(SseResponse response, List<byte[]> tail, CompletableFuture<?> hold) {
        Runnable end = () -> {
            if (tail != null) {
                tail.forEach(response::send);
            }
            response.end();
        };
        if (hold == null || hold.isDone()) {
            end.run();
        } else {
            hold.whenComplete((v, e) -> end.run());
        }
    }

    private void signal() {
        if (firstFailure != null) {
            Throwable t = firstFailure;
            firstFailure = null;
            firstChunk.completeExceptionally(t);
        } else if (firstReady) {
            firstReady = false;
            firstChunk.complete(this);
        }
    }

    // ---- upstream side (Flow.Subscriber) ----

    @Override
    public void onSubscribe(Flow.Subscription s) {
        synchronized (this) {
            this.subscription = s;
            armWatchdog(timeoutNanos);
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        boolean more;
        synchronized (this) {
            lastActivity = System.nanoTime();
            if (ended) {
                return;
            }
            try {
                for (ByteBuffer b : items) {
                    reader.feed(b);
                    if (ended) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("stream from {} could not be translated: {}", provider, Secrets.scrub(e.toString()));
                fail(502, new ErrorMapper.UpstreamError("The provider sent an event the gateway could not read.",
                        null, "upstream_protocol_error", null));
            }
            more = !ended;
            if (more && backlogged()) {
                paused.set(true);
                // re-check: the client may have drained between the test and the flag (lost wake-up)
                more = !backlogged() && paused.compareAndSet(true, false);
            }
        }
        signal();
        if (more) {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (chunks == 0 && out == null) {
                ended = true;
                cancelWatchdog();
                firstFailure = new ProviderUnavailable(provider, ProviderUnavailable.Reason.CONNECTION, 200, null,
                        "stream broke before the first event");
            } else {
                endWithError("The provider's stream broke off: " + UpstreamClient.describe(t),
                        "upstream_stream_error");
            }
        }
        signal();
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            if (ended) {
                return;
            }
            reader.finish();
            if (!ended) {
                translator.onEnd(this);
            }
            if (!ended) {
                if (sawFinish) {
                    done();
                } else if (chunks == 0 && out == null) {
                    ended = true;
                    cancelWatchdog();
                    firstFailure = new ProviderUnavailable(provider, ProviderUnavailable.Reason.CONNECTION, 200,
                            null, "stream ended without any event");
                } else {
                    endWithError("The provider's stream ended before the answer was complete.",
                            "upstream_stream_truncated");
                }
            }
        }
        signal();
    }

    private void onSse(SseEvent ev) {
        if (ended) {
            return;
        }
        try {
            translator.onEvent(ev, this);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- ChunkSink (called under the session lock, from onNext/onComplete) ----

    @Override
    public void meta(String id, long created, String model) {
        if (this.id == null) {
            this.id = id;
            this.created = created;
            this.model = model;
        }
    }

    @Override
    public boolean takesRawChunks() {
        return encoder.takesRawChunks();
    }

    @Override
    public void chunk(Object chunk) {
        if (ended) {
            return;
        }
        try {
            if (chunks++ == 0) {
                firstChunkNanos = System.nanoTime();
                encoder.chunk(chunk, emitter);
                armWatchdog(idleNanos);
                firstReady = true;
                return;
            }
            encoder.chunk(chunk, emitter);
        } catch (ApiException e) {
            refused(e);
        }
    }

    /**
     * The encoder refused the stream (a guardrail blocked it): before anything reached the client, the call fails
     * with that error; after, the stream ends with it as an error event in the client API's format.
     */
    private void refused(ApiException e) {
        if (out == null && pending.isEmpty() && !firstChunk.isDone()) {
            ended = true;
            cancelWatchdog();
            cancelUpstream();
            firstReady = false;
            firstFailure = e;
            return;
        }
        endRefused(e);
    }

    /** Ends a stream the client owns with the refusal as its error event (the client sees it after what it got). */
    private void endRefused(ApiException e) {
        if (tail == null) {
            tail = new ArrayList<>();
        }
        encoder.error(ApiError.of(e.getMessage(), e.type(), e.param(), e.code()), e.status(), emitter);
        cancelUpstream();
        finish("error", e.getMessage());
    }

    @Override
    public void usage(Usage u) {
        this.usage = u;
    }

    @Override
    public void finished() {
        sawFinish = true;
    }

    @Override
    public void done() {
        if (ended) {
            return;
        }
        if (chunks == 0) {
            // a stream with no content at all (e.g. only a usage chunk): still a valid, complete answer
            firstChunkNanos = System.nanoTime();
            firstReady = true;
        }
        tail = new ArrayList<>();
        CompletableFuture<Void> later;
        try {
            later = encoder.endDeferred(usage == null ? null : usageDecorator.apply(usage), id, created, model,
                    emitter);
        } catch (ApiException e) {
            refused(e);
            return;
        }
        if (later == null) {
            finish("ok", null);
            return;
        }
        // the encoder writes its end later (a review of the whole answer): the upstream side is over, the client
        // waits; no watchdog runs meanwhile, the encoder bounds its own wait
        ended = true;
        reviewing = true;
        cancelWatchdog();
        later.whenComplete((v, err) -> reviewed(err));
    }

    /** The encoder's deferred end completed: the final events are in {@link #tail}, or the answer was refused. */
    private void reviewed(Throwable err) {
        synchronized (this) {
            if (!reviewing) {
                return; // the client left meanwhile
            }
            reviewing = false;
            Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            if (c == null) {
                finish("ok", null);
            } else if (c instanceof ApiException e) {
                // the first chunk was announced already: the refusal always goes to the client as an error event
                endRefused(e);
            } else {
                LOG.warn("stream from {} could not be ended: {}", provider, Secrets.scrub(c.toString()));
                tail = new ArrayList<>();
                encoder.error(ApiError.of("The gateway could not finish the answer.", ErrorMapper.SERVER, null,
                        "internal_error"), 500, emitter);
                finish("error", "the stream's end failed");
            }
        }
    }

    @Override
    public void error(int status, ErrorMapper.UpstreamError error) {
        fail(status, error);
    }

    private void fail(int status, ErrorMapper.UpstreamError error) {
        if (ended) {
            return;
        }
        if (chunks == 0 && out == null) {
            ended = true;
            cancelWatchdog();
            cancelUpstream();
            firstFailure = ErrorMapper.fromUpstream(provider, status, null, error);
            return;
        }
        String msg = error.message() == null ? "The provider reported an error." : Secrets.scrub(error.message());
        endWithError(provider + ": " + msg, error.code() == null ? "upstream_error" : error.code());
    }

    /** Ends a stream the client owns because the provider failed it (every caller is a provider's fault). */
    private void endWithError(String message, String code) {
        settle(true);
        ApiError err = ApiError.of(message, ErrorMapper.SERVER, null, code);
        tail = new ArrayList<>();
        encoder.error(err, 500, emitter);
        cancelUpstream();
        finish("error", message);
    }

    private void finish(String result, String error) {
        settle(false);
        ended = true;
        cancelWatchdog();
        if (!firstChunk.isDone()) {
            firstReady = true;
        }
        StreamOutcome o = new StreamOutcome(result, usage, chunks, firstChunkNanos, System.nanoTime(), error);
        if (out != null) {
            Function<StreamOutcome, CompletableFuture<?>> f = onFinish;
            onFinish = x -> null;
            endAfter(out, tail, f.apply(o));
        } else {
            finishedBeforeAttach = o;
        }
    }

    private final Consumer<byte[]> emitter = this::emit;

    private void emit(byte[] bytes) {
        if (tail != null) {
            tail.add(bytes);
        } else if (out != null) {
            out.send(bytes);
        } else {
            pending.add(bytes);
            pendingBytes += bytes.length;
        }
    }

    private boolean backlogged() {
        return out != null ? out.isBacklogged() : pendingBytes > PENDING_LIMIT;
    }

    /** Lock-free: called from the client's event loop when its queue drained. */
    private void resume() {
        Flow.Subscription s = subscription;
        if (!ended && s != null && !backlogged() && paused.compareAndSet(true, false)) {
            s.request(1);
        }
    }

    private void clientGone() {
        synchronized (this) {
            if (ended && !reviewing) {
                return;
            }
            reviewing = false;
            ended = true;
            settle(false);
            cancelWatchdog();
            cancelUpstream();
            Function<StreamOutcome, CompletableFuture<?>> f = onFinish;
            onFinish = o -> null;
            f.apply(new StreamOutcome("client_closed", usage, chunks, firstChunkNanos, System.nanoTime(), null));
        }
    }

    /** Stops the upstream call (client gone, deadline passed, or a translation failure). */
    public void cancelUpstream() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    // ---- deadlines: first chunk within timeout, then no silence longer than idle ----

    private void armWatchdog(long windowNanos) {
        cancelWatchdog();
        if (windowNanos <= 0 || timer == null) {
            return;
        }
        long deadline = lastActivity + windowNanos;
        watchdog = timer.schedule(() -> checkDeadline(windowNanos), Math.max(1, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    private void checkDeadline(long windowNanos) {
        synchronized (this) {
            if (ended) {
                return;
            }
            long idle = System.nanoTime() - lastActivity;
            if (idle < windowNanos) {
                watchdog = timer.schedule(() -> checkDeadline(windowNanos), windowNanos - idle, TimeUnit.NANOSECONDS);
                return;
            }
            if (out != null && paused.get()) {
                // reading is paused because the client has not taken what it was sent: the client stalled, not
                // the provider. It is let go like a client that hung up (upstream cancelled, call metered).
                out.closeClient();
                return;
            }
            if (chunks == 0 && out == null) {
                ended = true;
                cancelUpstream();
                firstFailure = new ProviderUnavailable(provider, ProviderUnavailable.Reason.TIMEOUT, 0, null,
                        "no event within " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms");
            } else {
                endWithError("The provider sent nothing for " + TimeUnit.NANOSECONDS.toMillis(windowNanos)
                        + " ms.", "upstream_timeout");
            }
        }
        signal();
    }

    private void cancelWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

}
