package dev.caravan.provider;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.error.ProviderUnavailable;

/**
 * The gateway's one HTTP client towards providers: the JDK {@link HttpClient}, asynchronous end to end, so no
 * thread waits on an upstream and a stream holds no thread between events. It is a shared singleton, not a
 * route-scoped producer: reloading a route file never cuts a call in flight. TLS with hostname verification,
 * HTTP/2 over ALPN for https, plain HTTP/1.1 for http (no h2c upgrade probes).
 */
public final class UpstreamClient implements AutoCloseable {

    private final ExecutorService executor;
    private final HttpClient https;
    private final HttpClient http;
    private final ScheduledExecutorService timer;

    public UpstreamClient(Duration connectTimeout, int threads) {
        this.executor = Executors.newFixedThreadPool(Math.max(2, threads), named("caravan-upstream"));
        this.https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, named("caravan-stream-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, prefix + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    private HttpClient clientFor(UpstreamRequest r) {
        return "https".equalsIgnoreCase(r.uri().getScheme()) ? https : http;
    }

    private static HttpRequest build(UpstreamRequest r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.uri())
                .POST(HttpRequest.BodyPublishers.ofByteArray(r.body()))
                .timeout(r.timeout());
        r.headers().forEach(b::header);
        return b.build();
    }

    /** A non-streamed call: completes with the whole reply (any status), or with {@link ProviderUnavailable}. */
    public CompletableFuture<UpstreamResponse> send(UpstreamRequest r) {
        return clientFor(r).sendAsync(build(r), HttpResponse.BodyHandlers.ofByteArray())
                .orTimeout(r.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((resp, err) -> {
                    if (err != null) {
                        throw unavailable(r.provider(), err);
                    }
                    return new UpstreamResponse(resp.statusCode(), resp.headers(), resp.body());
                });
    }

    /**
     * A streamed call. Completes with the session once its first chunk is ready (so failover is still possible
     * until then), with an {@link UpstreamResponse} when the upstream answered with an error status, or
     * exceptionally with {@link ProviderUnavailable}.
     */
    public CompletableFuture<Object> stream(UpstreamRequest r, boolean includeUsage,
            java.util.function.UnaryOperator<dev.caravan.api.Usage> usageDecorator) {
        StreamSession session = new StreamSession(r.provider(), r.translator(), includeUsage, usageDecorator,
                r.timeout().toNanos(), r.idle().toNanos(), timer);
        CompletableFuture<Object> result = new CompletableFuture<>();
        clientFor(r).sendAsync(build(r), info -> {
            if (info.statusCode() / 100 == 2) {
                return HttpResponse.BodySubscribers.fromSubscriber(session, s -> null);
            }
            return HttpResponse.BodySubscribers.ofByteArray();
        }).whenComplete((resp, err) -> {
            if (err != null) {
                // before the headers: nothing was streamed, fail over; after: the session already handled it
                result.completeExceptionally(unavailable(r.provider(), err));
            } else if (resp.statusCode() / 100 != 2) {
                result.complete(new UpstreamResponse(resp.statusCode(), resp.headers(), (byte[]) resp.body()));
            }
        });
        session.firstChunk().whenComplete((s, err) -> {
            if (err != null) {
                result.completeExceptionally(unwrap(err));
            } else {
                result.complete(s);
            }
        });
        result.whenComplete((v, err) -> {
            if (v instanceof UpstreamResponse || err != null) {
                session.cancelUpstream();
            }
        });
        return result;
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static RuntimeException unavailable(String provider, Throwable err) {
        Throwable t = unwrap(err);
        if (t instanceof ProviderUnavailable || t instanceof dev.caravan.error.ApiException) {
            return (RuntimeException) t;
        }
        ProviderUnavailable.Reason reason = t instanceof HttpConnectTimeoutException || t instanceof ConnectException
                ? ProviderUnavailable.Reason.CONNECTION
                : t instanceof HttpTimeoutException || t instanceof TimeoutException
                        ? ProviderUnavailable.Reason.TIMEOUT
                        : ProviderUnavailable.Reason.CONNECTION;
        return new ProviderUnavailable(provider, reason, 0, null, describe(t));
    }

    /** A short description of a transport failure, without URLs (they may carry keys). */
    static String describe(Throwable t) {
        Throwable x = unwrap(t);
        if (x instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (x instanceof HttpTimeoutException || x instanceof TimeoutException) {
            return "timed out";
        }
        if (x instanceof ConnectException) {
            return "connection refused";
        }
        if (x instanceof IOException) {
            String m = x.getMessage();
            return m == null ? x.getClass().getSimpleName() : dev.caravan.support.Secrets.scrub(m);
        }
        return x.getClass().getSimpleName();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        executor.shutdownNow();
    }
}
