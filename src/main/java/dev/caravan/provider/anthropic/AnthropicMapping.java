package dev.caravan.provider.anthropic;

import java.util.Map;

import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;

/** The tables between Anthropic and OpenAI values: stop reasons, error types and statuses, usage. */
final class AnthropicMapping {

    /** stop_reason → finish_reason (wire-formats.md 2.5); anything unknown becomes stop. */
    static final Map<String, String> FINISH = Map.of("end_turn", "stop", "stop_sequence", "stop", "max_tokens",
            "length", "tool_use", "tool_calls", "pause_turn", "stop", "refusal", "content_filter",
            "model_context_window_exceeded", "length");

    /** error.type → the HTTP status that error has (mid-stream errors arrive on a 200 stream). */
    static final Map<String, Integer> ERROR_STATUS = Map.ofEntries(Map.entry("invalid_request_error", 400),
            Map.entry("authentication_error", 401), Map.entry("billing_error", 402),
            Map.entry("permission_error", 403), Map.entry("not_found_error", 404), Map.entry("conflict_error", 409),
            Map.entry("request_too_large", 413), Map.entry("rate_limit_error", 429), Map.entry("api_error", 500),
            Map.entry("timeout_error", 504), Map.entry("overloaded_error", 529));

    private AnthropicMapping() {
    }

    static String finish(String stopReason) {
        return stopReason == null ? null : FINISH.getOrDefault(stopReason, "stop");
    }

    static int status(AnthropicWire.ErrorBody e) {
        return e == null || e.type() == null ? 500 : ERROR_STATUS.getOrDefault(e.type(), 500);
    }

    static ErrorMapper.UpstreamError error(AnthropicWire.ErrorBody e) {
        if (e == null) {
            return new ErrorMapper.UpstreamError(null, null, null, null);
        }
        return new ErrorMapper.UpstreamError(e.message(), e.type(), null, null);
    }

    /**
     * OpenAI usage: prompt = input + cache writes + cache reads (Anthropic's input_tokens excludes both), cached =
     * cache reads, cache_write_tokens = cache writes, reasoning = thinking tokens when reported.
     */
    static Usage usage(AnthropicWire.Usage u) {
        if (u == null) {
            return null;
        }
        long cw = nz(u.cacheCreationInputTokens());
        long cr = nz(u.cacheReadInputTokens());
        long prompt = nz(u.inputTokens()) + cw + cr;
        long completion = nz(u.outputTokens());
        Long thinking = u.outputTokensDetails() == null ? null : u.outputTokensDetails().thinkingTokens();
        return new Usage(prompt, completion, prompt + completion,
                new Usage.PromptDetails(cr, cw, null, null),
                thinking == null ? null : new Usage.CompletionDetails(thinking, null, null, null, null), null);
    }

    /** Stream usage: message_delta counts are cumulative and win over message_start's where present. */
    static AnthropicWire.Usage merge(AnthropicWire.Usage base, AnthropicWire.Usage update) {
        if (base == null) {
            return update;
        }
        if (update == null) {
            return base;
        }
        return new AnthropicWire.Usage(or(update.inputTokens(), base.inputTokens()),
                or(update.outputTokens(), base.outputTokens()),
                or(update.cacheCreationInputTokens(), base.cacheCreationInputTokens()),
                or(update.cacheReadInputTokens(), base.cacheReadInputTokens()),
                update.outputTokensDetails() != null ? update.outputTokensDetails() : base.outputTokensDetails());
    }

    private static Long or(Long a, Long b) {
        return a != null ? a : b;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
