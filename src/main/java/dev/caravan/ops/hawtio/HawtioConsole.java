package dev.caravan.ops.hawtio;

import java.util.concurrent.CompletableFuture;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.ops.AdminReplies;

/**
 * First step of the admin route {@code /hawtio}: starts the console on first use (in the background, the request
 * waits without holding a thread) and tells the route where to proxy to ({@link #PORT_PROPERTY}). Disabled
 * ({@code caravan.hawtio.enabled=false}) it answers 404; without any account (no admin key, no configured user) it
 * answers 503 and never starts: the console is never open.
 */
public final class HawtioConsole extends AsyncProcessorSupport implements AsyncProcessor {

    public static final String PORT_PROPERTY = "CaravanHawtioPort";
    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsole.class);

    private final boolean enabled;
    private final HawtioAccounts accounts;
    private final String host;
    private final int port;
    private CompletableFuture<HawtioServer> server;

    public HawtioConsole(boolean enabled, HawtioAccounts accounts, String host, int port) {
        this.enabled = enabled;
        this.accounts = accounts;
        this.host = host;
        this.port = port;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String refusal = refusal();
        if (refusal != null) {
            AdminReplies.json(exchange, enabled ? 503 : 404, "{\"error\":{\"message\":\"" + refusal
                    + "\",\"type\":\"" + (enabled ? "service_unavailable_error" : "not_found_error") + "\"}}");
            callback.done(true);
            return true;
        }
        CompletableFuture<HawtioServer> f = launch();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            exchange.setProperty(PORT_PROPERTY, f.join().port());
            callback.done(true);
            return true;
        }
        f.whenComplete((s, e) -> {
            if (e != null) {
                AdminReplies.json(exchange, 503, "{\"error\":{\"message\":\"The console could not start; see the "
                        + "gateway log.\",\"type\":\"service_unavailable_error\"}}");
            } else {
                exchange.setProperty(PORT_PROPERTY, s.port());
            }
            callback.done(false);
        });
        return false;
    }

    private String refusal() {
        if (!enabled) {
            return "The console is disabled (caravan.hawtio.enabled=false).";
        }
        if (accounts.isEmpty()) {
            return "The console needs credentials: set CARAVAN_ADMIN_KEY (user admin) or caravan.hawtio.user and "
                    + "caravan.hawtio.password.";
        }
        if (!HawtioServer.bundled()) {
            return "This build does not include the console.";
        }
        return null;
    }

    /** Starts the console once; a failed start is retried by the next request. */
    synchronized CompletableFuture<HawtioServer> launch() {
        if (server == null || server.isCompletedExceptionally()) {
            server = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                try {
                    HawtioServer s = HawtioServer.start(host, port, accounts);
                    LOG.info("Hawtio console started in {} ms (internal port {})",
                            (System.nanoTime() - t0) / 1_000_000, s.port());
                    return s;
                } catch (Exception e) {
                    LOG.error("Hawtio console failed to start: {}", e.toString());
                    throw new IllegalStateException(e);
                }
            }, r -> {
                Thread t = new Thread(r, "hawtio-start");
                t.setDaemon(true);
                t.start();
            });
        }
        return server;
    }

    public boolean started() {
        CompletableFuture<HawtioServer> f;
        synchronized (this) {
            f = server;
        }
        return f != null && f.isDone() && !f.isCompletedExceptionally();
    }

    @Override
    protected void doStop() throws Exception {
        CompletableFuture<HawtioServer> f;
        synchronized (this) {
            f = server;
            server = null;
        }
        if (f != null) {
            // a console still starting is stopped as soon as it is up
            f.thenAccept(s -> {
                try {
                    s.stop();
                } catch (Exception e) {
                    LOG.warn("Hawtio console did not stop cleanly: {}", e.toString());
                }
            });
        }
    }
}
