package dev.caravan.provider.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.support.Secrets;

/**
 * OAuth2 client-credentials access tokens (e.g. Microsoft Entra ID for Azure OpenAI), cached until shortly before
 * they expire. A token within {@code refreshBefore} of its expiry is still served while one refresh runs in the
 * background; only a missing or expired token makes a caller wait for the token endpoint (bounded by
 * {@code timeout}). A failed refresh keeps the old token while it is valid. Tokens and the client secret are
 * registered with {@link Secrets} so they never reach a log line. Thread-safe.
 */
public final class ClientCredentialsTokens {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokens.class);

    private final String provider;
    private final URI tokenUrl;
    private final String form;
    private final HttpClient http;
    private final Clock clock;
    private final Duration refreshBefore;
    private final Duration timeout;

    private volatile Token current;
    private CompletableFuture<Token> refreshing;

    record Token(String value, Instant expires) {
    }

    public ClientCredentialsTokens(String provider, URI tokenUrl, String clientId, String clientSecret, String scope,
            HttpClient http, Clock clock, Duration refreshBefore, Duration timeout) {
        this.provider = provider;
        this.tokenUrl = tokenUrl;
        this.form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret)
                + "&scope=" + enc(scope);
        this.http = http;
        this.clock = clock;
        this.refreshBefore = refreshBefore;
        this.timeout = timeout;
        Secrets.register(clientSecret);
    }

    /** A valid access token; waits for the token endpoint only when none is cached or it has expired. */
    public String token() {
        Token t = current;
        Instant now = clock.instant();
        if (t != null && now.isBefore(t.expires())) {
            if (!now.isBefore(t.expires().minus(refreshBefore))) {
                refresh(); // early refresh in the background; this caller keeps the valid token
            }
            return t.value();
        }
        try {
            return refresh().get(timeout.toMillis(), TimeUnit.MILLISECONDS).value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while fetching an access token");
        } catch (Exception e) {
            throw unavailable("could not obtain an access token: " + Secrets.scrub(String.valueOf(
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
        }
    }

    private synchronized CompletableFuture<Token> refresh() {
        if (refreshing != null) {
            return refreshing;
        }
        HttpRequest req = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                .header("content-type", "application/x-www-form-urlencoded").header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        Instant asked = clock.instant();
        CompletableFuture<Token> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> parse(r, asked));
        refreshing = f;
        f.whenComplete((t, err) -> {
            synchronized (this) {
                refreshing = null;
            }
            if (t != null) {
                current = t;
            } else {
                LOG.warn("access token refresh for {} failed: {}", provider, Secrets.scrub(String.valueOf(err)));
            }
        });
        return f;
    }

    private Token parse(HttpResponse<byte[]> r, Instant asked) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("token endpoint answered HTTP " + r.statusCode());
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("token endpoint reply was not JSON");
        }
        String token = n.path("access_token").asText(null);
        if (token == null || token.isEmpty()) {
            throw new IllegalStateException("token endpoint reply had no access_token");
        }
        Secrets.register(token);
        long seconds = n.path("expires_in").asLong(3600);
        return new Token(token, asked.plusSeconds(seconds));
    }

    private ProviderUnavailable unavailable(String why) {
        return new ProviderUnavailable(provider, ProviderUnavailable.Reason.CONNECTION, 0, null, why);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
