package dev.caravan.provider.bedrock;

import java.util.Map;

import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;

/** The tables between Bedrock and OpenAI values: stop reasons, exception names and statuses, usage. */
final class BedrockMapping {

    /** stopReason → finish_reason; guardrail and content filter stops are content_filter (wire-formats.md 5). */
    static final Map<String, String> FINISH = Map.of("end_turn", "stop", "stop_sequence", "stop", "max_tokens",
            "length", "tool_use", "tool_calls", "guardrail_intervened", "content_filter", "content_filtered",
            "content_filter", "model_context_window_exceeded", "length");

    /** Exception name (event-stream {@code :exception-type} or {@code x-amzn-errortype}) → its HTTP status. */
    static final Map<String, Integer> EXCEPTION_STATUS = Map.ofEntries(Map.entry("validationexception", 400),
            Map.entry("accessdeniedexception", 403), Map.entry("resourcenotfoundexception", 404),
            Map.entry("modeltimeoutexception", 408), Map.entry("throttlingexception", 429),
            Map.entry("modelnotreadyexception", 429), Map.entry("servicequotaexceededexception", 429),
            // the model failed (HTTP 424): another deployment may well answer, so these fail over like a 502
            Map.entry("modelerrorexception", 502), Map.entry("modelstreamerrorexception", 502),
            Map.entry("internalserverexception", 500), Map.entry("serviceunavailableexception", 503));

    private BedrockMapping() {
    }

    static String finish(String stopReason) {
        return stopReason == null ? null : FINISH.getOrDefault(stopReason, "stop");
    }

    /** The status an exception named {@code name} has (500 when unknown); case does not matter. */
    static int status(String name) {
        return status(name, 500);
    }

    /** The status an exception named {@code name} has, or {@code otherwise} when the name is not in the table. */
    static int status(String name, int otherwise) {
        return name == null ? otherwise
                : EXCEPTION_STATUS.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), otherwise);
    }

    /** The error with the exception name as its code ({@code ThrottlingException}, first letter upper-case). */
    static ErrorMapper.UpstreamError error(String name, String message) {
        String code = name == null || name.isEmpty() ? null
                : Character.toUpperCase(name.charAt(0)) + name.substring(1);
        return new ErrorMapper.UpstreamError(message, null, code, null);
    }

    /**
     * OpenAI usage: prompt = input + cache reads + cache writes (Converse's inputTokens excludes both), cached =
     * cache reads, cache_write_tokens = cache writes.
     */
    static Usage usage(BedrockWire.Usage u) {
        if (u == null) {
            return null;
        }
        long cr = nz(u.cacheReadInputTokens());
        long cw = nz(u.cacheWriteInputTokens());
        long prompt = nz(u.inputTokens()) + cr + cw;
        long completion = nz(u.outputTokens());
        return new Usage(prompt, completion, prompt + completion, new Usage.PromptDetails(cr, cw, null, null), null,
                null);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
