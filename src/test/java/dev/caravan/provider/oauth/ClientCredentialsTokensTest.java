package dev.caravan.provider.oauth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.error.ProviderUnavailable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Client-credentials tokens against a local token endpoint: caching, early refresh, expiry, failures. */
class ClientCredentialsTokensTest {

    private HttpServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> forms = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private ClientCredentialsTokens tokens;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tenant-1/oauth2/v2.0/token", ex -> {
            forms.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = status == 200
                    ? ("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"tok-" + issued.incrementAndGet()
                            + "\"}").getBytes(StandardCharsets.UTF_8)
                    : "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        tokens = new ClientCredentialsTokens("azure", URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/tenant-1/oauth2/v2.0/token"), "client-1", "secret-value-xyz",
                "https://cognitiveservices.azure.com/.default", HttpClient.newHttpClient(), clock,
                Duration.ofMinutes(5), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aTokenIsFetchedOnceAndCached() {
        assertThat(tokens.token()).isEqualTo("tok-1");
        clock.advance(Duration.ofMinutes(30));
        assertThat(tokens.token()).isEqualTo("tok-1");
        assertThat(issued).hasValue(1);
        assertThat(forms.get(0)).contains("grant_type=client_credentials").contains("client_id=client-1")
                .contains("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default");
    }

    @Test
    void nearExpiryTheOldTokenIsServedWhileANewOneIsFetched() {
        assertThat(tokens.token()).isEqualTo("tok-1");
        clock.advance(Duration.ofMinutes(56)); // inside the 5-minute refresh window, still valid
        assertThat(tokens.token()).isEqualTo("tok-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> issued.get() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> "tok-2".equals(tokens.token()));
        assertThat(issued).hasValue(2);
    }

    @Test
    void anExpiredTokenIsReplacedBeforeUse() {
        assertThat(tokens.token()).isEqualTo("tok-1");
        clock.advance(Duration.ofMinutes(61));
        assertThat(tokens.token()).isEqualTo("tok-2");
    }

    @Test
    void aFailedRefreshKeepsTheValidTokenAndNoTokenMeansUnavailable() {
        assertThat(tokens.token()).isEqualTo("tok-1");
        status = 401;
        clock.advance(Duration.ofMinutes(57));
        assertThat(tokens.token()).isEqualTo("tok-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> forms.size() == 2);
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(tokens::token).isInstanceOf(ProviderUnavailable.class)
                .hasMessageContaining("401").hasMessageNotContaining("secret-value-xyz");
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
