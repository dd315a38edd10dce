package dev.caravan.provider.vertex;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.auth.oauth2.GoogleCredentials;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vertex access tokens from a service-account key through google-auth-library, against a local token endpoint:
 * the signed JWT grant is exchanged once and cached while the token is fresh, and a token close to expiry (under
 * the library's few-minute margin) is replaced before it is used again.
 */
class VertexTokenRefreshTest {

    static final URI VERTEX = URI.create("https://us-central1-aiplatform.googleapis.com/");

    private HttpServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> grants = new CopyOnWriteArrayList<>();
    private volatile int expiresIn = 3600;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", ex -> {
            grants.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] b = ("{\"access_token\":\"ya29.token-" + issued.incrementAndGet() + "\",\"expires_in\":" + expiresIn
                    + ",\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private GoogleCredentials credentials() {
        return VertexConfig.load(ServiceAccounts.keyFile("http://127.0.0.1:" + server.getAddress().getPort()
                + "/token").toString());
    }

    @Test
    void aFreshTokenIsFetchedOnceAndReused() throws IOException {
        GoogleCredentials c = credentials();
        assertThat(VertexConfig.bearer(c, VERTEX)).containsEntry("authorization", "Bearer ya29.token-1");
        assertThat(VertexConfig.bearer(c, VERTEX)).containsEntry("authorization", "Bearer ya29.token-1");
        assertThat(issued).hasValue(1);
        assertThat(grants.get(0)).contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")
                .contains("assertion=");
    }

    @Test
    void aTokenNearExpiryIsRefreshedBeforeUse() throws IOException {
        expiresIn = 100; // still valid for 100 s, inside the library's refresh margin
        GoogleCredentials c = credentials();
        assertThat(VertexConfig.bearer(c, VERTEX)).containsEntry("authorization", "Bearer ya29.token-1");
        expiresIn = 3600;
        assertThat(VertexConfig.bearer(c, VERTEX)).containsEntry("authorization", "Bearer ya29.token-2");
        assertThat(VertexConfig.bearer(c, VERTEX)).containsEntry("authorization", "Bearer ya29.token-2");
        assertThat(issued).hasValue(2);
    }
}
