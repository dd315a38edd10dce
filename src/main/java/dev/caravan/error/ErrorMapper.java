package dev.caravan.error;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.support.Secrets;

/**
 * The one table from "what went wrong" to the OpenAI error the client sees, and from an upstream's error reply
 * to either a client error ({@link ApiException}) or a failover-able {@link ProviderUnavailable}. Decisions are
 * made on status codes and typed error fields, never on message text.
 */
public final class ErrorMapper {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String SERVER = "server_error";
    public static final String UNAVAILABLE = "service_unavailable_error";

    private static final Map<Integer, String> TYPES = Map.ofEntries(
            Map.entry(400, INVALID_REQUEST), Map.entry(401, AUTHENTICATION), Map.entry(402, INVALID_REQUEST),
            Map.entry(403, PERMISSION), Map.entry(404, NOT_FOUND), Map.entry(405, INVALID_REQUEST),
            Map.entry(409, INVALID_REQUEST), Map.entry(413, INVALID_REQUEST), Map.entry(415, INVALID_REQUEST),
            Map.entry(422, INVALID_REQUEST), Map.entry(429, RATE_LIMIT), Map.entry(500, SERVER),
            Map.entry(502, SERVER), Map.entry(503, UNAVAILABLE), Map.entry(504, SERVER));

    /** What the client gets for each kind of provider unavailability, when no fallback answered. */
    private static final Map<ProviderUnavailable.Reason, Integer> UNAVAILABLE_STATUS = Map.of(
            ProviderUnavailable.Reason.RATE_LIMITED, 429,
            ProviderUnavailable.Reason.SERVER_ERROR, 502,
            ProviderUnavailable.Reason.TIMEOUT, 504,
            ProviderUnavailable.Reason.CONNECTION, 502,
            ProviderUnavailable.Reason.NOT_CONFIGURED, 503,
            ProviderUnavailable.Reason.BREAKER_OPEN, 503,
            ProviderUnavailable.Reason.SKIPPED, 503);

    private static final Map<ProviderUnavailable.Reason, String> UNAVAILABLE_CODE = Map.of(
            ProviderUnavailable.Reason.RATE_LIMITED, "rate_limit_exceeded",
            ProviderUnavailable.Reason.SERVER_ERROR, "upstream_error",
            ProviderUnavailable.Reason.TIMEOUT, "upstream_timeout",
            ProviderUnavailable.Reason.CONNECTION, "upstream_unreachable",
            ProviderUnavailable.Reason.NOT_CONFIGURED, "provider_not_configured",
            ProviderUnavailable.Reason.BREAKER_OPEN, "deployment_unavailable",
            ProviderUnavailable.Reason.SKIPPED, "no_suitable_deployment");

    private static final int EXCERPT_CHARS = 300;

    private ErrorMapper() {
    }

    /** A client-facing error: status, OpenAI body, extra headers (retry-after, ...). */
    public record ClientError(int status, ApiError body, Map<String, String> headers) {
    }

    /** An error as a provider reported it, already extracted from its own wire format. */
    public record UpstreamError(String message, String type, String code, String param) {
    }

    public static String typeFor(int status) {
        return TYPES.getOrDefault(status, status >= 500 ? SERVER : INVALID_REQUEST);
    }

    /**
     * When the request went through deployments and none answered: 503 with every attempt in the message, not the
     * last provider's raw error.
     */
    public static ClientError allDeploymentsFailed(ProviderUnavailable last, String attempts) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (last.retryAfterSeconds() != null) {
            headers.put("retry-after", Long.toString(last.retryAfterSeconds()));
        }
        return new ClientError(503, ApiError.of("No deployment could answer the request. Attempts: " + attempts,
                UNAVAILABLE, null, "all_deployments_failed"), headers);
    }

    public static ClientError toClient(Throwable t, String requestId) {
        if (t instanceof ApiException e) {
            return new ClientError(e.status(), ApiError.of(e.getMessage(), e.type(), e.param(), e.code()),
                    e.headers());
        }
        if (t instanceof ProviderUnavailable e) {
            int status = UNAVAILABLE_STATUS.get(e.reason());
            if (e.reason() == ProviderUnavailable.Reason.SERVER_ERROR
                    && (e.upstreamStatus() == 503 || e.upstreamStatus() == 529)) {
                status = 503;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (e.retryAfterSeconds() != null) {
                headers.put("retry-after", Long.toString(e.retryAfterSeconds()));
            }
            return new ClientError(status, ApiError.of(e.getMessage(), typeFor(status), null,
                    UNAVAILABLE_CODE.get(e.reason())), headers);
        }
        return new ClientError(500, ApiError.of("The gateway failed to process the request (request id "
                + requestId + ").", SERVER, null, "internal_error"), Map.of());
    }

    /** The JSON bytes of an envelope, for the few places that answer outside a Camel exchange. */
    public static byte[] envelope(int status, String message, String param, String code) {
        try {
            return Json.MAPPER.writeValueAsBytes(ApiError.of(message, typeFor(status), param, code));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Maps an upstream error reply. 408, 429 and 5xx (529 included) mean "this provider cannot answer now" and
     * become {@link ProviderUnavailable}; any other status is the client's problem and keeps its status, with
     * the provider's own message (scrubbed of secrets).
     */
    public static RuntimeException fromUpstream(String provider, int status, Long retryAfter, UpstreamError err) {
        String message = Secrets.scrub(err.message() == null || err.message().isBlank()
                ? "HTTP " + status : err.message());
        if (status == 429) {
            return new ProviderUnavailable(provider, ProviderUnavailable.Reason.RATE_LIMITED, status, retryAfter,
                    excerpt(message));
        }
        if (status == 408) {
            return new ProviderUnavailable(provider, ProviderUnavailable.Reason.TIMEOUT, status, retryAfter,
                    excerpt(message));
        }
        if (status >= 500) {
            return new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, status, retryAfter,
                    excerpt(message));
        }
        int clientStatus = status >= 400 ? status : 502;
        String type = err.type() != null && !err.type().isBlank() ? err.type() : typeFor(clientStatus);
        return new ApiException(clientStatus, type, err.code(), err.param(), provider + ": " + message);
    }

    /**
     * Extracts the error from an OpenAI-style reply: {@code {"error":{...}}}, {@code {"error":"text"}}, the flat
     * {@code {"object":"error","message":...}} of Mistral and vLLM, OpenRouter's numeric codes, or plain text.
     */
    public static UpstreamError parseOpenAiStyle(byte[] body) {
        if (body == null || body.length == 0) {
            return new UpstreamError(null, null, null, null);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return new UpstreamError(excerpt(new String(body, java.nio.charset.StandardCharsets.UTF_8)), null, null,
                    null);
        }
        return parseOpenAiStyle(root);
    }

    public static UpstreamError parseOpenAiStyle(JsonNode root) {
        if (root == null || !root.isObject()) {
            return new UpstreamError(root == null ? null : excerpt(root.toString()), null, null, null);
        }
        JsonNode e = root.get("error");
        if (e != null && e.isTextual()) {
            return new UpstreamError(e.asText(), null, text(root.get("code")), null);
        }
        JsonNode src = e != null && e.isObject() ? e : root;
        String message = text(src.get("message"));
        if (message == null && src.get("detail") != null) {
            message = src.get("detail").isTextual() ? src.get("detail").asText() : src.get("detail").toString();
        }
        return new UpstreamError(message, text(src.get("type")), text(src.get("code")), text(src.get("param")));
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    public static String excerpt(String s) {
        if (s == null) {
            return null;
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= EXCERPT_CHARS ? one : one.substring(0, EXCERPT_CHARS) + "…";
    }
}
