package dev.caravan.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.support.Secrets;

/**
 * One shared, asynchronous Lettuce connection to Redis and the Lua scripts of {@code classpath:redis/}. Every call
 * is bounded by {@link StateSettings#timeoutMs()}. A lost connection, or {@link #DOWN_AFTER} timeouts in a row,
 * mark Redis down (one slow answer under load fails only its own call); while it is down calls fail at once (no
 * request waits for a dead server) until a background ping, once a second, finds it again. A server that is down when the gateway starts is connected to as soon as it answers.
 *
 * <p>Metrics: {@code caravan.state.redis.up} (1/0) and {@code caravan.state.fallback} (calls served on this
 * replica's counters, tag {@code concern}: limits, budgets, cache). Logs name the server by host and port only.
 */
public final class RedisState implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisState.class);

    /** Consecutive timeouts that mark Redis down. */
    static final int DOWN_AFTER = 3;

    private final StateSettings settings;
    private final RedisClient client;
    private final String where;
    private final Map<String, String[]> scripts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService pinger;
    private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
    private MeterRegistry registry;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean up;
    private final java.util.concurrent.atomic.AtomicInteger timeouts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String problem = "not connected yet";

    public RedisState(StateSettings settings) {
        this.settings = settings;
        RedisURI uri = RedisURI.create(settings.redisUrl().trim());
        if (uri.getPassword() != null && uri.getPassword().length > 0) {
            Secrets.register(new String(uri.getPassword()));
        }
        this.where = uri.getHost() + ":" + uri.getPort();
        Duration timeout = Duration.ofMillis(settings.timeoutMs());
        uri.setTimeout(timeout);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(
                        Math.max(500, settings.timeoutMs() * 4))).keepAlive(true).build())
                .build());
        this.pinger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caravan-redis-ping");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers the metrics, connects (or keeps trying in the background) and starts the ping. */
    public void start(MeterRegistry metrics) {
        this.registry = metrics;
        if (metrics != null) {
            Gauge.builder("caravan.state.redis.up", this, s -> s.up ? 1 : 0)
                    .description("1 when the shared state (Redis) answers, 0 when this replica cannot reach it")
                    .register(metrics);
        }
        check();
        pinger.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    public StateSettings settings() {
        return settings;
    }

    public String prefix() {
        return settings.prefix();
    }

    public boolean up() {
        return up;
    }

    /** Why Redis is not usable (host and port, no secret), or null when it is. */
    public String problem() {
        return up ? null : "shared state (Redis at " + where + ") unreachable: " + problem;
    }

    /** Counts a call served on this replica's own state because Redis was unreachable. */
    public void fellBack(String concern) {
        if (registry != null) {
            fallbacks.computeIfAbsent(concern, c -> Counter.builder("caravan.state.fallback").tag("concern", c)
                    .description("Calls served on this replica's own counters or cache because Redis was "
                            + "unreachable (fail-open)").register(registry)).increment();
        }
    }

    /** Runs a script of {@code classpath:redis/<name>.lua}; replies are lists of Long and String. */
    public List<Object> script(String name, String[] keys, String... args) {
        String[] s = scripts.computeIfAbsent(name, RedisState::load);
        return call(c -> c.evalsha(s[1], ScriptOutputType.MULTI, keys, args), c -> c.eval(s[0],
                ScriptOutputType.MULTI, keys, args));
    }

    /** One command, bounded by the timeout. */
    public <T> T call(Function<RedisAsyncCommands<String, String>, RedisFuture<T>> op) {
        return call(op, null);
    }

    /** Sends a command and does not wait for it (cache writes); a failure only marks Redis down. */
    public void send(Function<RedisAsyncCommands<String, String>, RedisFuture<?>> op) {
        StatefulRedisConnection<String, String> c = connection;
        if (!up || c == null) {
            return;
        }
        op.apply(c.async()).exceptionally(e -> {
            down(e);
            return null;
        });
    }

    private <T> T call(Function<RedisAsyncCommands<String, String>, RedisFuture<T>> op,
            Function<RedisAsyncCommands<String, String>, RedisFuture<T>> onNoScript) {
        StatefulRedisConnection<String, String> c = connection;
        if (!up || c == null) {
            throw new StateUnavailable(problem());
        }
        try {
            T out = op.apply(c.async()).get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
            timeouts.set(0);
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException && onNoScript != null) {
                return call(onNoScript, null);
            }
            if (e.getCause() instanceof io.lettuce.core.RedisCommandTimeoutException) {
                return timedOut(e.getCause());
            }
            down(e.getCause());
            throw new StateUnavailable(problem());
        } catch (TimeoutException e) {
            return timedOut(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateUnavailable("interrupted while waiting for Redis");
        }
    }

    private <T> T timedOut(Throwable e) {
        if (timeouts.incrementAndGet() >= DOWN_AFTER) {
            down(e);
            throw new StateUnavailable(problem());
        }
        throw new StateUnavailable("shared state (Redis at " + where + ") did not answer within "
                + settings.timeoutMs() + " ms");
    }

    private void down(Throwable e) {
        String why = e instanceof TimeoutException || e instanceof io.lettuce.core.RedisCommandTimeoutException
                ? "no answer within " + settings.timeoutMs() + " ms"
                : Secrets.scrub(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        problem = why;
        if (up) {
            up = false;
            LOG.warn("Shared state: Redis at {} unreachable ({}); {}", where, why, settings.failOpen()
                    ? "serving on this replica's own counters (fail-open)"
                    : "refusing calls that need limits or budgets (fail-closed)");
        }
    }

    /** Connects if needed and pings: the only place that marks Redis up again. */
    private void check() {
        try {
            StatefulRedisConnection<String, String> c = connection;
            if (c == null) {
                c = client.connect();
                c.setTimeout(Duration.ofMillis(settings.timeoutMs()));
                connection = c;
            }
            c.async().ping().get(Math.max(settings.timeoutMs(), 1000), TimeUnit.MILLISECONDS);
            if (!up) {
                timeouts.set(0);
                up = true;
                problem = null;
                LOG.info("Shared state: Redis at {} connected (key prefix '{}')", where, settings.prefix());
            }
        } catch (RedisConnectionException | ExecutionException | TimeoutException e) {
            String before = problem;
            down(e instanceof ExecutionException ? e.getCause() : e);
            if (before != null && before.equals("not connected yet")) {
                LOG.warn("Shared state: Redis at {} not reachable at start ({}); retrying every second", where,
                        problem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            down(e);
        }
    }

    private static String[] load(String name) {
        try (InputStream in = RedisState.class.getResourceAsStream("/redis/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("no script redis/" + name + ".lua on the classpath");
            }
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new String[] {body, sha1(body)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
