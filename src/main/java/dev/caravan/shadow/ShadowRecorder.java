package dev.caravan.shadow;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.catalog.Cost;
import dev.caravan.catalog.PriceCatalog;
import dev.caravan.catalog.Pricing;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.Attempt;
import dev.caravan.gateway.CallFacts;
import dev.caravan.gateway.CallListener;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamSession;

/**
 * Shadow traffic: admits and prepares copies for {@link ShadowTap}s, records the candidate's answer (the last step
 * of route {@code shadow.run}) and a streamed primary's end (as a {@link CallListener}), and hands each complete
 * pair to the {@link ShadowStore}.
 *
 * <p>The copy is a new {@link ChatCall}: no attempt guard (so no budget reservation or rate limit of the client's
 * key), never passed to the call listeners (so no ledger row, no spend, no access-log line); its cost is computed
 * here at the catalog's price and kept in the shadow table only. At most {@code maxInFlight} copies are out at
 * once; a call that finds no free slot is not copied and counted as dropped.
 */
public final class ShadowRecorder implements Processor, CallListener {

    public static final String BEAN = "shadowRecorder";
    /** Exchange properties of the copy. */
    static final String PAIR = "caravan.shadow.pair";
    static final String PERMIT = "caravan.shadow.permit";
    public static final String TARGET = "CaravanShadowCandidate";
    /** Exchange property (suffixed with the step's id): whether the step sampled this call. */
    static final String SAMPLED = "CaravanShadowSampled.";

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRecorder.class);

    private final Semaphore slots;
    private final PriceCatalog catalog;
    private final Clock clock;
    private final ShadowStore store;
    private final ShadowMetrics metrics;
    private final long timeoutMs;

    public ShadowRecorder(int maxInFlight, PriceCatalog catalog, Clock clock, ShadowStore store,
            ShadowMetrics metrics, long timeoutMs) {
        this.slots = new Semaphore(Math.max(1, maxInFlight));
        this.catalog = catalog;
        this.clock = clock;
        this.store = store;
        this.metrics = metrics;
        this.timeoutMs = timeoutMs;
    }

    void sample(ShadowTap tap, Exchange exchange) {
        try {
            double share = tap.getSample();
            boolean sampled = share > 0 && (share >= 1 || ThreadLocalRandom.current().nextDouble() < share);
            exchange.setProperty(SAMPLED + tap.getId(), sampled);
            ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
            if (sampled && call != null && call.isStream()) {
                Supplier<StreamEncoder> before = call.streamEncoders();
                call.streamEncoders(() -> {
                    StreamEncoder inner = before != null ? before.get()
                            : StreamEncoder.chat(call.request() != null && call.request().includeUsage());
                    StreamCapture capture = new StreamCapture(inner);
                    call.attach(StreamCapture.class, capture); // the last attempt's is the one delivered
                    return capture;
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("shadow step {} skipped a call: {}", tap.getId(), e.toString());
        }
    }

    boolean admit(ShadowTap tap, Exchange exchange) {
        try {
            ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
            Object body = exchange.getMessage().getBody();
            if (call == null || call.raw() == null || exchange.getException() != null
                    || !(body instanceof ChatResult || body instanceof StreamSession)) {
                return false;
            }
            if (!Boolean.TRUE.equals(exchange.getProperty(SAMPLED + tap.getId(), Boolean.class))) {
                return false;
            }
            if (!slots.tryAcquire()) {
                metrics.dropped("full");
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("shadow step {} skipped a call: {}", tap.getId(), e.toString());
            return false;
        }
    }

    void prepare(ShadowTap tap, Exchange copy) {
        copy.setProperty(PERMIT, Boolean.TRUE);
        try {
            ChatCall primary = copy.getProperty(ChatCall.PROPERTY, ChatCall.class);
            String tenant = primary.principal() == null ? null : primary.principal().tenant();
            ShadowPair pair = new ShadowPair(tap.getId(), primary.requestId(), tenant, primary.isStream(),
                    clock.millis(), System.nanoTime());
            if (copy.getMessage().getBody() instanceof ChatResult r) {
                pair.primary(primaryAnswer(primary, r));
            } else {
                // a stream: its answer is known when it ends (completed below)
                primary.attach(ShadowPair.class, pair);
            }
            ObjectNode raw = primary.raw().deepCopy();
            raw.put("stream", false);
            raw.remove("stream_options");
            ChatRequest request = Json.MAPPER.treeToValue(raw, ChatRequest.class);
            ChatCall candidate = new ChatCall(primary.requestId() + "-shadow", System.nanoTime(), null, false,
                    Map.of());
            candidate.principal(primary.principal());
            candidate.endpoint("chat");
            candidate.request(raw, request);
            candidate.deadlineNanos(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            copy.setProperty(ChatCall.PROPERTY, candidate);
            copy.setProperty(PAIR, pair);
            copy.setProperty(TARGET, tap.getCandidate());
            copy.getMessage().setBody(request);
        } catch (Exception e) {
            LOG.warn("shadow step {} could not prepare a copy: {}", tap.getId(), e.toString());
            copy.removeProperty(TARGET);
        }
    }

    /** Last step of route shadow.run: the candidate's answer, or its failure, then the slot is freed. */
    @Override
    public void process(Exchange ex) {
        try {
            ShadowPair pair = ex.getProperty(PAIR, ShadowPair.class);
            ChatCall call = ex.getProperty(ChatCall.PROPERTY, ChatCall.class);
            if (pair == null || call == null) {
                return;
            }
            Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (e == null) {
                e = ex.getException();
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pair.candidateStartNanos);
            Object body = ex.getMessage().getBody();
            ShadowAnswer a;
            if (e == null && body instanceof ChatResult r) {
                a = answer(call, r, ms);
            } else {
                a = ShadowAnswer.failed(name(call), failure(call, e), ms);
            }
            metrics.candidate(a.ok() ? "ok" : "error");
            if (pair.candidate(a)) {
                write(pair);
            }
        } catch (RuntimeException e) {
            LOG.warn("shadow result not recorded: {}", e.toString());
        } finally {
            ex.setException(null);
            if (ex.removeProperty(PERMIT) != null) {
                slots.release();
            }
        }
    }

    /** A streamed primary ended: its figures, and its first choice as the client received it. */
    @Override
    public void completed(ChatCall call, CallOutcome outcome) {
        ShadowPair pair = call.attachment(ShadowPair.class);
        if (pair == null || !outcome.stream()) {
            return;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(outcome.endNanos() - call.startNanos());
        ShadowAnswer a;
        if ("ok".equals(outcome.result())) {
            Usage u = CallFacts.usage(call, outcome);
            StreamCapture cap = call.attachment(StreamCapture.class);
            boolean read = cap != null && cap.readable();
            a = new ShadowAnswer(name(call), "ok", ms, u == null ? 0 : u.prompt(), u == null ? 0 : u.completion(),
                    price(call.provider(), call.upstreamModel(), u), read ? cap.finishReason() : null,
                    read ? cap.text() : null, read ? cap.toolCalls() : null);
        } else {
            a = ShadowAnswer.failed(name(call), outcome.result(), ms);
        }
        if (pair.primary(a)) {
            write(pair);
        }
    }

    /** Slots free for copies now (for tests and the report). */
    public int freeSlots() {
        return slots.availablePermits();
    }

    private void write(ShadowPair pair) {
        ShadowComparison c = ShadowComparison.of(pair.primary(), pair.candidate());
        if (!store.add(new ShadowStore.Row(pair.tsMs, pair.requestId, pair.shadowId, pair.tenant, pair.stream,
                pair.primary(), pair.candidate(), c))) {
            metrics.dropped("writer_full");
        }
    }

    private ShadowAnswer primaryAnswer(ChatCall call, ChatResult r) {
        long ms = -1;
        List<Attempt> attempts = call.attempts();
        synchronized (attempts) {
            if (!attempts.isEmpty()) {
                ms = attempts.get(attempts.size() - 1).millis();
            }
        }
        if (ms < 0) {
            ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos());
        }
        return answer(call, r, ms);
    }

    private ShadowAnswer answer(ChatCall call, ChatResult r, long ms) {
        Usage u = r.usage();
        return new ShadowAnswer(name(call), "ok", ms, u == null ? 0 : u.prompt(), u == null ? 0 : u.completion(),
                price(call.provider(), call.upstreamModel(), u), ShadowAnswer.finishReason(r.body()),
                ShadowAnswer.text(r.body()), ShadowAnswer.toolCalls(r.body()));
    }

    private BigDecimal price(String provider, String model, Usage u) {
        if (u == null || provider == null || model == null) {
            return null;
        }
        return catalog.priced(provider, model)
                .map(m -> Pricing.cost(m, TokenCounts.of(u), clock.instant()))
                .map(Cost::total).orElse(null);
    }

    private static String name(ChatCall call) {
        String d = CallFacts.deployment(call);
        if (d != null) {
            return d;
        }
        List<Attempt> attempts = call.attempts();
        synchronized (attempts) {
            if (!attempts.isEmpty()) {
                // failed: the last deployment tried
                return attempts.get(attempts.size() - 1).deployment();
            }
        }
        return call.provider() == null ? "unknown" : call.provider() + "/" + call.upstreamModel();
    }

    private static String failure(ChatCall call, Throwable e) {
        List<Attempt> attempts = call.attempts();
        synchronized (attempts) {
            if (!attempts.isEmpty()) {
                return attempts.get(attempts.size() - 1).outcome();
            }
        }
        if (e instanceof ApiException) {
            return "client_error";
        }
        return e == null ? "no_answer" : "error";
    }
}
