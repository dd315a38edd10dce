package dev.caravan.provider;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.DefaultThreadFactory;

import dev.caravan.api.Usage;
import dev.caravan.error.ApiException;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.support.Secrets;

/**
 * The gateway's one HTTP client towards providers, built on Netty and sharing the API server's event loops: an
 * upstream call runs on the event loop of the client's own connection, so a request crosses no thread from the
 * client's bytes to the provider's and back. Asynchronous end to end: no thread waits on an upstream and an open
 * stream holds no thread. Pooled keep-alive HTTP/1.1 connections per host and event loop, TLS with hostname
 * verification, non-blocking DNS. A shared singleton, not a route-scoped producer: reloading a route file never
 * cuts a call in flight.
 *
 * <p>Why not the JDK HttpClient: it hands every call across its selector thread and an executor (several thread
 * switches per request), which dominated the gateway's CPU per request; camel-netty-http's producer cannot stream
 * (DESIGN section 5).
 */
public final class UpstreamClient implements AutoCloseable {

    /** Largest non-streamed reply accepted from a provider. */
    static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext ssl;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final int connectTimeoutMillis;
    private final long poolIdleMillis;
    private final ConcurrentHashMap<PoolKey, ChannelPool> pools = new ConcurrentHashMap<>();

    record PoolKey(String host, int port, boolean tls, EventLoop loop) {
    }

    /** A client on its own event loops (tests, tools). */
    public UpstreamClient(Duration connectTimeout) {
        this(new NioEventLoopGroup(2, new DefaultThreadFactory("caravan-upstream", true)), true, connectTimeout);
    }

    /** A client on the given event loops (the API server's, in the gateway). */
    public UpstreamClient(EventLoopGroup group, Duration connectTimeout) {
        this(group, false, connectTimeout, Duration.ZERO);
    }

    /**
     * A client on the given event loops whose pooled connections are closed after {@code poolIdle} without a call
     * (zero: kept until the provider closes them), so a burst does not leave its connections open for ever.
     */
    public UpstreamClient(EventLoopGroup group, Duration connectTimeout, Duration poolIdle) {
        this(group, false, connectTimeout, poolIdle);
    }

    private UpstreamClient(EventLoopGroup group, boolean ownsGroup, Duration connectTimeout) {
        this(group, ownsGroup, connectTimeout, Duration.ZERO);
    }

    private UpstreamClient(EventLoopGroup group, boolean ownsGroup, Duration connectTimeout, Duration poolIdle) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.poolIdleMillis = poolIdle.toMillis();
        try {
            this.ssl = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot create the TLS context", e);
        }
        this.resolver = new DnsAddressResolverGroup(NioDatagramChannel.class,
                DnsServerAddressStreamProviders.platformDefault());
    }

    public EventLoopGroup group() {
        return group;
    }

    /** A non-streamed call: completes with the whole reply (any status), or with {@link ProviderUnavailable}. */
    public CompletableFuture<UpstreamResponse> send(UpstreamRequest r, EventLoop preferred) {
        BufferedCall call = new BufferedCall(r);
        execute(call, preferred, true);
        return call.result;
    }

    /**
     * A streamed call. Completes with the {@link StreamSession} once its first chunk is ready (so failover is still
     * possible until then), with an {@link UpstreamResponse} when the provider answered with an error status, or
     * exceptionally with {@link ProviderUnavailable}.
     */
    public CompletableFuture<Object> stream(UpstreamRequest r, StreamEncoder encoder, UnaryOperator<Usage> decorator,
            EventLoop preferred) {
        StreamingCall call = new StreamingCall(r, encoder, decorator);
        execute(call, preferred, true);
        return call.result;
    }

    private void execute(UpstreamCallState call, EventLoop preferred, boolean mayRetry) {
        URI uri = call.request.uri();
        EventLoop loop = preferred != null && inGroup(preferred) ? preferred : group.next();
        ChannelPool pool = pool(uri, loop);
        pool.acquire().addListener(f -> {
            if (!f.isSuccess()) {
                call.fail(unavailable(call.request.provider(), f.cause()));
                return;
            }
            Channel ch = (Channel) f.getNow();
            // the retry on another connection is offered once: a retried call that fails again must fail, not wait
            call.start(ch, pool, mayRetry ? () -> execute(call.restart(), loop, false) : null);
        });
    }

    private boolean inGroup(EventLoop loop) {
        for (io.netty.util.concurrent.EventExecutor e : group) {
            if (e == loop) {
                return true;
            }
        }
        return false;
    }

    private ChannelPool pool(URI uri, EventLoop loop) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        PoolKey key = new PoolKey(uri.getHost(), port, tls, loop);
        ChannelPool pool = pools.get(key);
        return pool != null ? pool : pools.computeIfAbsent(key, this::newPool);
    }

    private ChannelPool newPool(PoolKey k) {
        Bootstrap b = new Bootstrap().group(k.loop()).channel(NioSocketChannel.class).resolver(resolver)
                .remoteAddress(InetSocketAddress.createUnresolved(k.host(), k.port()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_KEEPALIVE, true);
        return new SimpleChannelPool(b, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel ch) {
                if (k.tls()) {
                    SslHandler h = ssl.newHandler(ch.alloc(), k.host(), k.port());
                    SSLParameters p = h.engine().getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    h.engine().setSSLParameters(p);
                    ch.pipeline().addLast("tls", h);
                }
                ch.pipeline().addLast("http", new HttpClientCodec(4096, 65536, 65536));
                if (poolIdleMillis > 0) {
                    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, poolIdleMillis,
                            java.util.concurrent.TimeUnit.MILLISECONDS));
                }
                ch.pipeline().addLast("call", new UpstreamCallState.Handler());
            }
        }, ChannelHealthChecker.ACTIVE, true, true);
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static RuntimeException unavailable(String provider, Throwable err) {
        Throwable t = unwrap(err);
        if (t instanceof ProviderUnavailable || t instanceof ApiException) {
            return (RuntimeException) t;
        }
        ProviderUnavailable.Reason reason = t instanceof TimeoutException ? ProviderUnavailable.Reason.TIMEOUT
                : ProviderUnavailable.Reason.CONNECTION;
        return new ProviderUnavailable(provider, reason, 0, null, describe(t));
    }

    /**
     * The reason of a failed connect, without the address Netty appends ("Connection refused: /10.0.0.7:443" →
     * "connection refused"): refused, no route to host, network unreachable, or no local port left ("cannot assign
     * requested address") call for different fixes, so they are not all reported as refused.
     */
    static String connectFailure(String message) {
        if (message == null || message.isBlank()) {
            return "connection failed";
        }
        String m = message;
        int colon = m.indexOf(':');
        if (m.startsWith("finishConnect(") && colon >= 0) { // the native transports: "finishConnect(..) failed: ..."
            m = m.substring(colon + 1);
            colon = m.indexOf(':');
        }
        String reason = (colon < 0 ? m : m.substring(0, colon)).trim().toLowerCase(java.util.Locale.ROOT);
        return reason.isEmpty() ? "connection failed" : Secrets.scrub(reason);
    }

    /** A short description of a transport failure, without URLs (they may carry keys). */
    static String describe(Throwable t) {
        Throwable x = unwrap(t);
        if (x instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (x instanceof TimeoutException) {
            return "timed out";
        }
        if (x instanceof ConnectException) {
            return connectFailure(x.getMessage());
        }
        if (x instanceof ClosedChannelException) {
            return "connection closed";
        }
        if (x instanceof java.net.UnknownHostException) {
            return "unknown host";
        }
        String m = x.getMessage();
        return m == null ? x.getClass().getSimpleName() : Secrets.scrub(m);
    }

    @Override
    public void close() {
        pools.values().forEach(ChannelPool::close);
        pools.clear();
        resolver.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
