package dev.caravan.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * A guardrail policy service on a real HTTP server: records every POSTed review and answers {@link #reply} after
 * {@link #delayMs}.
 */
public final class PolicyHook implements AutoCloseable {

    private final HttpServer server;
    public volatile String reply = "{\"action\":\"allow\"}";
    public volatile long delayMs;
    public final List<JsonNode> calls = new CopyOnWriteArrayList<>();

    public PolicyHook() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/check", ex -> {
            calls.add(GatewayTestSupport.json(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = reply.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            try {
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            } catch (IOException gone) {
                // the gateway gave up waiting
            }
        });
        server.start();
    }

    /** The URL to configure as the guardrail's {@code url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/check";
    }

    /** Back to allowing at once, with no calls recorded. */
    public void reset() {
        reply = "{\"action\":\"allow\"}";
        delayMs = 0;
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
