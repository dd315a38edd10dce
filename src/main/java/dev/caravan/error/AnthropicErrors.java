package dev.caravan.error;

import java.util.Map;

/** Anthropic's error types by HTTP status (docs.claude.com/en/api/errors), for the Anthropic-compatible API. */
public final class AnthropicErrors {

    /** The status Anthropic answers with and its {@code error.type}. */
    public record Mapped(int status, String type) {
    }

    private static final Map<Integer, Mapped> BY_STATUS = Map.ofEntries(
            Map.entry(400, new Mapped(400, "invalid_request_error")),
            Map.entry(401, new Mapped(401, "authentication_error")),
            Map.entry(402, new Mapped(402, "billing_error")),
            Map.entry(403, new Mapped(403, "permission_error")),
            Map.entry(404, new Mapped(404, "not_found_error")),
            Map.entry(409, new Mapped(409, "conflict_error")),
            Map.entry(413, new Mapped(413, "request_too_large")),
            Map.entry(429, new Mapped(429, "rate_limit_error")),
            Map.entry(500, new Mapped(500, "api_error")),
            Map.entry(502, new Mapped(502, "api_error")),
            Map.entry(503, new Mapped(529, "overloaded_error")),
            Map.entry(504, new Mapped(504, "timeout_error")),
            Map.entry(529, new Mapped(529, "overloaded_error")));

    private AnthropicErrors() {
    }

    public static Mapped of(int status) {
        Mapped m = BY_STATUS.get(status);
        if (m != null) {
            return m;
        }
        return status >= 500 ? new Mapped(status, "api_error") : new Mapped(status, "invalid_request_error");
    }
}
