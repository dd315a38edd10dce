package dev.caravan.ops.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.CallFacts;
import dev.caravan.gateway.CallListener;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;

/**
 * Per-request metrics, a {@link CallListener} on the {@code callEvents} bean. Labels are bounded: endpoint, provider,
 * model, deployment, key id, tenant (each capped at a number of distinct values, see {@link BoundedLabels}); the
 * latency histograms leave out key id and tenant so that their bucket series stay few.
 *
 * <p>Other features feed it through {@link #cacheHit}, {@link #cacheMiss} and {@link #queueDepth}.
 */
public final class GatewayMetrics implements CallListener {

    static final Duration[] LATENCY_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300);
    static final Duration[] TTFT_BUCKETS = seconds(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30);
    private static final String[] OUTCOMES = {"ok", "error", "client_closed"};
    private static final String[] TOKEN_KINDS = {"input", "output", "cached", "cache_write", "reasoning"};

    private final MeterRegistry registry;
    private final BoundedLabels labels;
    private final Set<ChatCall> openStreams = ConcurrentHashMap.newKeySet();
    private final Map<CallKey, CallMeters> callMeters = new ConcurrentHashMap<>();
    private final Map<TimerKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<TimerKey, Timer> ttfts = new ConcurrentHashMap<>();

    record CallKey(String endpoint, String provider, String model, String deployment, String keyId, String tenant,
            boolean stream) {
        Tags tags() {
            return Tags.of("endpoint", endpoint, "provider", provider, "model", model, "deployment", deployment,
                    "key_id", keyId, "tenant", tenant);
        }
    }

    record TimerKey(String endpoint, String provider, String model, String deployment, boolean stream) {
    }

    /** The meters of one label combination, created once. */
    private final class CallMeters {
        final Counter[] requests = new Counter[OUTCOMES.length];
        final Counter[] tokens = new Counter[TOKEN_KINDS.length];
        final Counter cost;
        final Counter unpriced;

        CallMeters(CallKey k) {
            Tags t = k.tags();
            for (int i = 0; i < OUTCOMES.length; i++) {
                requests[i] = Counter.builder("caravan.requests").description("API calls by outcome")
                        .tags(t).tag("stream", Boolean.toString(k.stream())).tag("outcome", OUTCOMES[i])
                        .register(registry);
            }
            for (int i = 0; i < TOKEN_KINDS.length; i++) {
                tokens[i] = Counter.builder("caravan.tokens").description("Tokens by kind (cached and cache_write "
                        + "are parts of input, reasoning a part of output)").tags(t).tag("kind", TOKEN_KINDS[i])
                        .register(registry);
            }
            cost = Counter.builder("caravan.cost.usd").description("Cost of the calls in USD, where priced")
                    .tags(t).register(registry);
            unpriced = Counter.builder("caravan.requests.unpriced")
                    .description("Calls that used tokens but carried no cost (model without a price)")
                    .tags(t).register(registry);
        }
    }

    public GatewayMetrics(MeterRegistry registry, int maxLabelValues) {
        this.registry = registry;
        this.labels = new BoundedLabels(maxLabelValues);
        Gauge.builder("caravan.streams.in.flight", openStreams, Set::size)
                .description("Streamed replies currently open").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void streamStarted(ChatCall call) {
        openStreams.add(call);
    }

    @Override
    public void completed(ChatCall call, CallOutcome o) {
        openStreams.remove(call);
        CallKey key = key(call, o.stream());
        CallMeters m = callMeters.computeIfAbsent(key, CallMeters::new);
        m.requests[outcomeIndex(o.result())].increment();
        if (o.status() >= 400 || "error".equals(o.result())) {
            // a stream that failed after its start kept status 200: its type is stream_error
            Counter.builder("caravan.errors").description("Failed calls by HTTP status and OpenAI error type")
                    .tags(key.tags()).tag("status", Integer.toString(o.status()))
                    .tag("type", o.status() >= 400 ? ErrorMapper.typeFor(o.status()) : "stream_error")
                    .register(registry).increment();
        }
        Usage u = CallFacts.usage(call, o);
        if (u != null) {
            add(m.tokens[0], u.prompt());
            add(m.tokens[1], u.completion());
            add(m.tokens[2], u.cached());
            add(m.tokens[3], u.cacheWrite());
            add(m.tokens[4], u.reasoning());
        }
        Double cost = CallFacts.cost(call, o);
        if (cost != null) {
            m.cost.increment(cost);
        } else if (u != null && u.prompt() + u.completion() > 0) {
            m.unpriced.increment();
        }
        TimerKey tk = new TimerKey(key.endpoint(), key.provider(), key.model(), key.deployment(), o.stream());
        durations.computeIfAbsent(tk, this::durationTimer).record(o.endNanos() - call.startNanos(),
                TimeUnit.NANOSECONDS);
        if (o.stream() && o.firstChunkNanos() > 0) {
            ttfts.computeIfAbsent(tk, this::ttftTimer).record(o.firstChunkNanos() - call.startNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** Counts a response served from a cache (called by the cache feature). */
    public void cacheHit(ChatCall call) {
        cacheCounter("caravan.cache.hits", call).increment();
    }

    /** Counts a cacheable request the cache could not answer. */
    public void cacheMiss(ChatCall call) {
        cacheCounter("caravan.cache.misses", call).increment();
    }

    /**
     * Publishes the depth of a queue as {@code caravan_queue_depth{queue="<name>"}}, e.g. the ledger's write queue.
     * The supplier is read at each scrape.
     */
    public void queueDepth(String queue, IntSupplier depth) {
        // strong reference: Micrometer holds a gauge's object weakly, and a lambda has no other owner
        Gauge.builder("caravan.queue.depth", depth, IntSupplier::getAsInt).description("Items waiting in a queue")
                .tag("queue", queue).strongReference(true).register(registry);
    }

    private Counter cacheCounter(String name, ChatCall call) {
        CallKey k = key(call, false);
        return Counter.builder(name).tags("model", k.model(), "key_id", k.keyId(), "tenant", k.tenant())
                .register(registry);
    }

    private CallKey key(ChatCall call, boolean stream) {
        String provider = call.provider();
        // a model is only a label once a provider accepted it; unknown providers would be client-chosen strings
        String model = provider == null || call.request() == null ? null : call.request().model();
        String keyId = call.principal() == null ? null : call.principal().keyId();
        String tenant = call.principal() == null ? null : call.principal().tenant();
        return new CallKey(labels.value("endpoint", call.endpoint()), labels.value("provider", provider),
                labels.value("model", model), labels.value("deployment", CallFacts.deployment(call)),
                labels.value("key_id", keyId), labels.value("tenant", tenant), stream);
    }

    private Timer durationTimer(TimerKey k) {
        return Timer.builder("caravan.request.duration").description("Time from request to the last byte")
                .tags("endpoint", k.endpoint(), "provider", k.provider(), "model", k.model(), "deployment",
                        k.deployment(), "stream", Boolean.toString(k.stream()))
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    private Timer ttftTimer(TimerKey k) {
        return Timer.builder("caravan.ttft").description("Time to the first streamed token")
                .tags("provider", k.provider(), "model", k.model(), "deployment", k.deployment())
                .serviceLevelObjectives(TTFT_BUCKETS).register(registry);
    }

    private static int outcomeIndex(String result) {
        for (int i = 0; i < OUTCOMES.length; i++) {
            if (OUTCOMES[i].equals(result)) {
                return i;
            }
        }
        return 1;
    }

    private static void add(Counter c, long n) {
        if (n > 0) {
            c.increment(n);
        }
    }

    private static Duration[] seconds(double... s) {
        Duration[] d = new Duration[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = Duration.ofNanos((long) (s[i] * 1_000_000_000L));
        }
        return d;
    }
}
