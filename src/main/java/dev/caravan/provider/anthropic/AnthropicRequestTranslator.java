package dev.caravan.provider.anthropic;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;
import dev.caravan.provider.anthropic.AnthropicWire.Block;
import dev.caravan.provider.anthropic.AnthropicWire.Msg;
import dev.caravan.provider.anthropic.AnthropicWire.Request;

/**
 * Client request ({@link ChatRequest}) → {@code POST /v1/messages}. The body is built by the pure
 * {@link #translate}; this step adds the URL and headers ({@code x-api-key}, {@code anthropic-version}, and the
 * client's {@code anthropic-beta}, the only client header forwarded).
 */
public final class AnthropicRequestTranslator implements Processor {

    /** The upstream body, the parameters that were not forwarded, and whether json_object rides in a tool. */
    public record Translated(Request body, List<String> dropped, boolean jsonTool) {
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        AnthropicConfig p = exchange.getProperty(ProviderConfig.PROPERTY, AnthropicConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        Translated t = translate(exchange.getMessage().getMandatoryBody(ChatRequest.class), model, p.settings());
        t.dropped().forEach(call::dropped);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", call.isStream() ? "text/event-stream" : "application/json");
        headers.put("x-api-key", p.key());
        headers.put("anthropic-version", p.anthropicVersion());
        String beta = call.clientHeader("anthropic-beta");
        if (beta != null && !beta.isBlank()) {
            headers.put("anthropic-beta", beta.trim());
        }
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), URI.create(p.baseUrl() + "/v1/messages"),
                headers, Json.MAPPER.writeValueAsBytes(t.body()), call.isStream(), p.timeoutFor(exchange), p.idle(),
                call.isStream() ? new AnthropicStreamTranslator(t.jsonTool(), call.request().includeUsage(),
                        System::currentTimeMillis) : null));
    }

    /** Pure: the Anthropic request for {@code in} sent to {@code model}. */
    public static Translated translate(ChatRequest in, String model, AnthropicSettings s) {
        List<String> dropped = new ArrayList<>();
        if (in.n() != null && in.n() > 1) {
            throw ApiException.badRequest("Anthropic models return one choice per request: n must be 1 for '" + model
                    + "' (got " + in.n() + "). Send n separate requests instead.", "n", "unsupported_value");
        }
        AnthropicMessages.Converted conv = AnthropicMessages.convert(in.messages(), dropped);
        boolean adaptive = s.adaptiveThinkingModels().matches(model);
        AnthropicWire.Thinking thinking = thinking(in, adaptive);
        if (thinking != null && !"disabled".equals(thinking.type()) && lastToolTurnLacksThinking(conv.messages())) {
            // a tool loop started without thinking (or by another model): Anthropic would reject the replay
            thinking = null;
            AnthropicMessages.note(dropped, in.extra().containsKey("thinking") ? "thinking" : "reasoning_effort");
        }
        boolean thinkingOn = thinking != null && !"disabled".equals(thinking.type());
        String jsonMode = in.responseFormat() == null ? null : in.responseFormat().type();
        AnthropicTools.Tools tools = AnthropicTools.translate(in, conv.messages(), thinkingOn,
                "json_object".equals(jsonMode), dropped);
        Integer maxTokens = maxTokens(in, thinking, s);
        if (thinking != null && "enabled".equals(thinking.type()) && in.outputCap() != null) {
            thinking = new AnthropicWire.Thinking("enabled", Math.min(thinking.budgetTokens(), maxTokens - 1), null);
        }
        AnthropicWire.OutputConfig output = outputConfig(in, adaptive && thinkingOn ? effort(in) : null, jsonMode);
        Sampling sampling = Sampling.of(in, adaptive, thinkingOn, dropped);
        dropUnsupported(in, dropped);
        Request body = new Request(model, maxTokens, conv.system().isEmpty() ? null : conv.system(),
                conv.messages(), stops(in, dropped), in.isStream() ? Boolean.TRUE : null, sampling.temperature(),
                sampling.topP(), sampling.topK(), tools.tools(), tools.choice(), thinking, output,
                metadata(in, dropped));
        return new Translated(body, dropped, "json_object".equals(jsonMode));
    }

    private static AnthropicWire.Thinking thinking(ChatRequest in, boolean adaptive) {
        JsonNode nativeThinking = in.extra().get("thinking");
        if (nativeThinking != null && nativeThinking.isObject()) {
            return Json.MAPPER.convertValue(nativeThinking, AnthropicWire.Thinking.class);
        }
        String effort = in.reasoningEffort();
        AnthropicThinking.checkEffort(effort);
        if (effort == null || "none".equals(effort)) {
            return null;
        }
        return adaptive ? new AnthropicWire.Thinking("adaptive", null, "summarized")
                : new AnthropicWire.Thinking("enabled", AnthropicThinking.BUDGETS.get(effort), null);
    }

    private static String effort(ChatRequest in) {
        return in.reasoningEffort() == null ? null : AnthropicThinking.EFFORTS.get(in.reasoningEffort());
    }

    /**
     * The client's cap; otherwise the configured default plus room for thinking, which counts against max_tokens
     * (the budget, or for adaptive thinking the budget the same effort gets on budget models).
     */
    private static int maxTokens(ChatRequest in, AnthropicWire.Thinking thinking, AnthropicSettings s) {
        Integer cap = in.outputCap();
        boolean budget = thinking != null && "enabled".equals(thinking.type()) && thinking.budgetTokens() != null;
        if (cap == null) {
            int room = budget ? thinking.budgetTokens()
                    : thinking != null && "adaptive".equals(thinking.type()) && in.reasoningEffort() != null
                            ? AnthropicThinking.BUDGETS.getOrDefault(in.reasoningEffort(), 0) : 0;
            return s.defaultMaxTokens() + room;
        }
        if (cap < 1) {
            throw ApiException.badRequest("max_completion_tokens must be at least 1.", in.maxCompletionTokens() != null
                    ? "max_completion_tokens" : "max_tokens", "invalid_value");
        }
        if (budget && cap <= AnthropicThinking.MIN_BUDGET) {
            throw ApiException.badRequest("With reasoning_effort, Anthropic models need max_completion_tokens above "
                    + AnthropicThinking.MIN_BUDGET + " (the smallest thinking budget); got " + cap + ".",
                    in.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens", "invalid_value");
        }
        return cap;
    }

    private static boolean lastToolTurnLacksThinking(List<Msg> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Msg m = messages.get(i);
            if ("assistant".equals(m.role())) {
                boolean toolUse = m.content().stream().anyMatch(b -> "tool_use".equals(b.type()));
                return toolUse && !m.content().get(0).thinkingBlock();
            }
        }
        return false;
    }

    private static AnthropicWire.OutputConfig outputConfig(ChatRequest in, String effort, String jsonMode) {
        AnthropicWire.Format format = null;
        if ("json_schema".equals(jsonMode)) {
            JsonNode schema = in.responseFormat().jsonSchema() == null ? null : in.responseFormat().jsonSchema().schema();
            if (schema == null || !schema.isObject()) {
                throw ApiException.badRequest("response_format.json_schema.schema is required.",
                        "response_format.json_schema.schema", "missing_required_parameter");
            }
            format = new AnthropicWire.Format("json_schema", schema);
        }
        return effort == null && format == null ? null : new AnthropicWire.OutputConfig(effort, format);
    }

    private static List<String> stops(ChatRequest in, List<String> dropped) {
        List<String> out = new ArrayList<>();
        for (String s : in.stopSequences()) {
            if (s.isBlank()) {
                AnthropicMessages.note(dropped, "stop");
            } else {
                out.add(s);
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static AnthropicWire.Metadata metadata(ChatRequest in, List<String> dropped) {
        JsonNode sid = in.extra().get("safety_identifier");
        String user = in.user() != null ? in.user() : sid != null && sid.isTextual() ? sid.asText() : null;
        if (user == null || user.isBlank()) {
            return null;
        }
        if (user.contains("@") || user.replaceAll("[\\s()+.-]", "").matches("\\d{7,}")) {
            // Anthropic's user_id is an opaque id: values that look like e-mail addresses or phone numbers stay here
            AnthropicMessages.note(dropped, in.user() != null ? "user" : "safety_identifier");
            return null;
        }
        return new AnthropicWire.Metadata(user);
    }

    private static void dropUnsupported(ChatRequest in, List<String> dropped) {
        if (in.seed() != null) {
            AnthropicMessages.note(dropped, "seed");
        }
        if (in.frequencyPenalty() != null) {
            AnthropicMessages.note(dropped, "frequency_penalty");
        }
        if (in.presencePenalty() != null) {
            AnthropicMessages.note(dropped, "presence_penalty");
        }
        if (in.metadata() != null && !in.metadata().isNull()) {
            AnthropicMessages.note(dropped, "metadata");
        }
        for (String k : in.extra().keySet()) {
            if (!"thinking".equals(k) && !"safety_identifier".equals(k)) {
                AnthropicMessages.note(dropped, k);
            }
        }
    }

    /** temperature / top_p / top_k after the model's and thinking's rules. */
    record Sampling(Double temperature, Double topP, Integer topK) {
        static Sampling of(ChatRequest in, boolean adaptive, boolean thinking, List<String> dropped) {
            Double t = in.temperature();
            Double p = in.topP();
            Integer k = in.topK();
            if (t != null && (adaptive || thinking)) {
                AnthropicMessages.note(dropped, "temperature");
                t = null;
            }
            if (p != null && (adaptive || thinking && p < 0.95)) {
                AnthropicMessages.note(dropped, "top_p");
                p = null;
            }
            if (k != null && (adaptive || thinking)) {
                AnthropicMessages.note(dropped, "top_k");
                k = null;
            }
            return new Sampling(t == null ? null : Math.min(t, 1.0), p, k);
        }
    }
}
