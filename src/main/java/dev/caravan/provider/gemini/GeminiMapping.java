package dev.caravan.provider.gemini;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;

/** The tables between Gemini and OpenAI values: finish reasons, usage, errors, minted ids. */
final class GeminiMapping {

    /** finishReason → finish_reason (wire-formats.md 3.7); STOP with function calls is corrected by the caller. */
    static final Map<String, String> FINISH = Map.ofEntries(Map.entry("STOP", "stop"),
            Map.entry("MAX_TOKENS", "length"), Map.entry("SAFETY", "content_filter"),
            Map.entry("BLOCKLIST", "content_filter"), Map.entry("PROHIBITED_CONTENT", "content_filter"),
            Map.entry("SPII", "content_filter"), Map.entry("IMAGE_SAFETY", "content_filter"),
            Map.entry("IMAGE_PROHIBITED_CONTENT", "content_filter"), Map.entry("LANGUAGE", "content_filter"),
            Map.entry("RECITATION", "content_filter"), Map.entry("IMAGE_RECITATION", "content_filter"),
            Map.entry("OTHER", "content_filter"), Map.entry("IMAGE_OTHER", "content_filter"),
            Map.entry("MALFORMED_FUNCTION_CALL", "stop"), Map.entry("UNEXPECTED_TOOL_CALL", "stop"),
            Map.entry("TOO_MANY_TOOL_CALLS", "stop"), Map.entry("FINISH_REASON_UNSPECIFIED", "stop"),
            Map.entry("NO_IMAGE", "stop"));

    private GeminiMapping() {
    }

    static String finish(String reason, boolean calledFunctions) {
        String f = reason == null ? "stop" : FINISH.getOrDefault(reason, "stop");
        return "stop".equals(f) && calledFunctions ? "tool_calls" : f;
    }

    /**
     * OpenAI usage: prompt = promptTokenCount (+ tool-use prompt tokens), completion = candidates + thoughts unless
     * the candidate count already includes thoughts (Gemini 3: prompt + candidates + tool-use = total), total as
     * reported, cached = cachedContentTokenCount, reasoning = thoughtsTokenCount.
     */
    static Usage usage(GeminiWire.UsageMetadata u) {
        if (u == null) {
            return null;
        }
        long prompt = nz(u.promptTokenCount()) + nz(u.toolUsePromptTokenCount());
        long candidates = nz(u.candidatesTokenCount());
        long thoughts = nz(u.thoughtsTokenCount());
        boolean inclusive = u.totalTokenCount() != null && prompt + candidates == u.totalTokenCount() && thoughts > 0;
        long completion = inclusive ? candidates : candidates + thoughts;
        long total = u.totalTokenCount() != null ? u.totalTokenCount() : prompt + completion;
        return new Usage(prompt, completion, total,
                new Usage.PromptDetails(nz(u.cachedContentTokenCount()), null, null, null),
                u.thoughtsTokenCount() == null ? null
                        : new Usage.CompletionDetails(u.thoughtsTokenCount(), null, null, null, null), null);
    }

    /** The status the client sees for a Gemini error: a bad key is a 400 with reason API_KEY_INVALID → 401. */
    static RuntimeException error(String provider, int httpStatus, Long retryAfter, GeminiWire.ErrorBody e) {
        int status = e != null && e.code() != null && httpStatus / 100 == 2 ? e.code() : httpStatus;
        String message = e == null || e.message() == null ? "HTTP " + status : e.message();
        if (e != null && "API_KEY_INVALID".equals(reason(e))) {
            return new ApiException(401, ErrorMapper.AUTHENTICATION, "invalid_api_key", null,
                    provider + ": " + dev.caravan.support.Secrets.scrub(message));
        }
        Long retry = retryAfter != null ? retryAfter : retryDelay(e);
        String code = e == null || e.status() == null ? null : e.status().toLowerCase(Locale.ROOT);
        return ErrorMapper.fromUpstream(provider, status, retry, new ErrorMapper.UpstreamError(message, null, code,
                null));
    }

    static int status(GeminiWire.ErrorBody e) {
        if (e != null && "API_KEY_INVALID".equals(reason(e))) {
            return 401;
        }
        return e == null || e.code() == null || e.code() < 400 || e.code() > 599 ? 500 : e.code();
    }

    static ErrorMapper.UpstreamError upstreamError(GeminiWire.ErrorBody e) {
        return new ErrorMapper.UpstreamError(e == null ? null : e.message(), null,
                e == null || e.status() == null ? null : e.status().toLowerCase(Locale.ROOT), null);
    }

    private static String reason(GeminiWire.ErrorBody e) {
        if (e.details() != null) {
            for (JsonNode d : e.details()) {
                if (d.hasNonNull("reason")) {
                    return d.get("reason").asText();
                }
            }
        }
        return null;
    }

    /** google.rpc.RetryInfo {@code retryDelay} ("30s", "1.5s") in whole seconds. */
    private static Long retryDelay(GeminiWire.ErrorBody e) {
        if (e == null || e.details() == null) {
            return null;
        }
        for (JsonNode d : e.details()) {
            String v = d.path("retryDelay").asText("");
            if (v.endsWith("s")) {
                try {
                    return (long) Math.ceil(Double.parseDouble(v.substring(0, v.length() - 1)));
                } catch (NumberFormatException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    static GeminiWire.ErrorBody parseError(byte[] body) {
        try {
            GeminiWire.ErrorReply r = Json.MAPPER.readValue(body, GeminiWire.ErrorReply.class);
            if (r.error() != null) {
                return r.error();
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // not google.rpc.Status: use the generic reader's message
        }
        ErrorMapper.UpstreamError g = ErrorMapper.parseOpenAiStyle(body);
        return new GeminiWire.ErrorBody(null, g.message(), null, null);
    }

    /**
     * A tool-call id for a Gemini function call (Gemini rarely sends one): derived from the response id, the
     * candidate and the call's position, so the same reply gives the same ids streamed or not.
     */
    static String mintId(String responseId, int candidate, int ordinal) {
        String seed = responseId == null ? UUID.randomUUID().toString() : responseId + ":" + candidate + ":" + ordinal;
        return "call_" + UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "")
                .substring(0, 24);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
