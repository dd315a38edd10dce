package dev.caravan.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Json;

/** The CLI's HTTP client for the admin API: bearer admin key, JSON in and out, OpenAI-style errors as messages. */
final class AdminClient {

    /** An error answer or a transport failure, with a message fit for the terminal. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads amounts as exact decimals. */
    static final com.fasterxml.jackson.databind.ObjectMapper READER = Json.MAPPER.copy()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final String baseUrl;
    private final String adminKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.adminKey = adminKey;
    }

    JsonNode get(String path) {
        return json(sendRaw("GET", path, null));
    }

    JsonNode send(String method, String path, JsonNode body) {
        return json(sendRaw(method, path, body));
    }

    /** The JSON as the admin API sent it, indented, amounts in plain decimals. */
    static String pretty(JsonNode n) {
        try {
            return READER.writerWithDefaultPrettyPrinter()
                    .with(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .writeValueAsString(n);
        } catch (IOException e) {
            throw new Failure(e.getMessage());
        }
    }

    /** An amount as plain decimal text ({@code 0.00075}, never {@code 7.5E-4}); {@code -} when absent. */
    static String usd(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "-";
        }
        return n.isNumber() ? dev.caravan.catalog.Cost.plain(n.decimalValue()) : n.asText();
    }

    String text(String path) {
        return sendRaw("GET", path, null);
    }

    private String sendRaw(String method, String path, JsonNode body) {
        if (adminKey == null || adminKey.isBlank()) {
            throw new Failure("no admin key: set CARAVAN_ADMIN_KEY or pass --admin-key");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + adminKey);
        if (body != null) {
            b.header("content-type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure("cannot reach the admin API at " + baseUrl + " (is Caravan running? --url)");
        } catch (IOException e) {
            throw new Failure("admin API call failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        if (r.statusCode() >= 400) {
            String msg = r.body();
            try {
                msg = Json.MAPPER.readTree(r.body()).at("/error/message").asText(r.body());
            } catch (IOException ignored) {
                // not JSON: show the body as it is
            }
            throw new Failure(msg + " (HTTP " + r.statusCode() + ")");
        }
        return r.body();
    }

    private static JsonNode json(String s) {
        try {
            return READER.readTree(s);
        } catch (IOException e) {
            throw new Failure("the admin API answered something that is not JSON");
        }
    }
}
