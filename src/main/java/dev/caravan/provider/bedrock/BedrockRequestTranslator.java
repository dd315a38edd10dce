package dev.caravan.provider.bedrock;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;
import dev.caravan.provider.bedrock.BedrockWire.InferenceConfig;
import dev.caravan.provider.bedrock.BedrockWire.Request;

/**
 * Client request ({@link ChatRequest}) → {@code POST /model/{modelId}/converse} (or {@code /converse-stream}),
 * SigV4-signed for service {@code bedrock} (or with the Bedrock API key as a bearer token). The model id may be a
 * foundation model id, an inference profile id or an ARN; it is URL-encoded into the path.
 */
public final class BedrockRequestTranslator implements Processor {

    /** budget_tokens per reasoning_effort for Claude models (the same values as the Anthropic provider). */
    static final Map<String, Integer> BUDGETS = Map.of("minimal", 1024, "low", 1024, "medium", 2048, "high", 4096,
            "xhigh", 8192, "max", 16384);
    /** Converse fields a client may send in its body (e.g. extra_body), forwarded as they are. */
    static final Set<String> NATIVE = Set.of("additionalModelRequestFields", "guardrailConfig", "performanceConfig");

    @Override
    public void process(Exchange exchange) throws Exception {
        BedrockConfig p = exchange.getProperty(ProviderConfig.PROPERTY, BedrockConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        List<String> dropped = new ArrayList<>();
        ChatRequest in = exchange.getMessage().getMandatoryBody(ChatRequest.class);
        Request body = translate(in, model, p.settings(), dropped);
        dropped.forEach(call::dropped);
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        URI uri = URI.create(p.baseUrl() + path(model, call.isStream()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", call.isStream() ? "application/vnd.amazon.eventstream" : "application/json");
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri, authorize(p, uri, headers, bytes), bytes,
                call.isStream(), p.timeoutFor(exchange), p.idle(), call.isStream()
                        ? new BedrockStreamTranslator(model, call.request().includeUsage(), System::currentTimeMillis,
                                BedrockResponseTranslator::newId, BedrockStructured.toolName(in))
                        : null));
    }

    /** {@code /model/<url-encoded id>/converse[-stream]}. */
    static String path(String model, boolean stream) {
        return "/model/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20")
                + (stream ? "/converse-stream" : "/converse");
    }

    /** The headers with authorisation: the API key as a bearer token when set, else a SigV4 signature. */
    static Map<String, String> authorize(BedrockConfig p, URI uri, Map<String, String> headers, byte[] body) {
        if (p.key() != null) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("authorization", "Bearer " + p.key());
            return h;
        }
        return SigV4.sign("POST", uri, headers, body, p.credentials(), p.region(), "bedrock", p.clock());
    }

    /** Pure: the Converse request for {@code in} sent to {@code model}; parameters not forwarded go to dropped. */
    public static Request translate(ChatRequest in, String model, BedrockSettings s, List<String> dropped) {
        if (in.n() != null && in.n() > 1) {
            throw ApiException.badRequest("Bedrock models return one choice per request: n must be 1 for '" + model
                    + "' (got " + in.n() + ").", "n", "unsupported_value");
        }
        BedrockMessages.Converted conv = BedrockMessages.convert(in.messages(), dropped);
        boolean claude = s.reasoningModels().matches(model);
        ObjectNode additional = additional(in, claude, dropped);
        Integer budget = additional.path("thinking").path("budget_tokens").isInt()
                ? additional.path("thinking").path("budget_tokens").asInt() : null;
        BedrockWire.ToolConfig tools = BedrockStructured.toolName(in) != null
                ? BedrockStructured.translate(in, model, budget != null, conv.messages(), dropped)
                : BedrockTools.translate(in, conv.messages(), dropped);
        if (budget != null && tools != null && tools.toolChoice() != null && !tools.toolChoice().has("auto")) {
            throw ApiException.badRequest("Claude models cannot think while tool_choice forces a tool: use "
                    + "tool_choice 'auto' with reasoning_effort, or leave reasoning_effort out.", "tool_choice",
                    "unsupported_value");
        }
        dropUnsupported(in, dropped);
        List<String> stops = in.stopSequences();
        InferenceConfig ic = new InferenceConfig(maxTokens(in, budget, s), in.temperature(), in.topP(),
                stops.isEmpty() ? null : stops);
        boolean emptyIc = ic.equals(new InferenceConfig(null, null, null, null));
        return new Request(conv.messages(), conv.system().isEmpty() ? null : conv.system(), emptyIc ? null : ic,
                tools, additional.isEmpty() ? null : additional, in.extra().get("guardrailConfig"),
                in.extra().get("performanceConfig"));
    }

    /** additionalModelRequestFields: the client's own, plus top_k and thinking for Claude models. */
    private static ObjectNode additional(ChatRequest in, boolean claude, List<String> dropped) {
        JsonNode given = in.extra().get("additionalModelRequestFields");
        ObjectNode out = given != null && given.isObject() ? given.deepCopy() : Json.NODES.objectNode();
        if (in.topK() != null) {
            if (claude) {
                out.put("top_k", in.topK());
            } else {
                BedrockMessages.note(dropped, "top_k");
            }
        }
        String effort = in.reasoningEffort();
        if (effort != null && !"none".equals(effort)) {
            if (!BUDGETS.containsKey(effort)) {
                throw ApiException.badRequest("reasoning_effort must be one of none, minimal, low, medium, high, "
                        + "xhigh, max; got '" + effort + "'.", "reasoning_effort", "invalid_value");
            }
            if (claude && !out.has("thinking")) {
                ObjectNode t = out.putObject("thinking");
                t.put("type", "enabled");
                t.put("budget_tokens", BUDGETS.get(effort));
            } else if (!claude) {
                BedrockMessages.note(dropped, "reasoning_effort");
            }
        }
        return out;
    }

    /** The client's cap; with thinking and no cap, the default plus the budget (thinking counts against it). */
    private static Integer maxTokens(ChatRequest in, Integer budget, BedrockSettings s) {
        Integer cap = in.outputCap();
        String param = in.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
        if (cap != null && cap < 1) {
            throw ApiException.badRequest(param + " must be at least 1.", param, "invalid_value");
        }
        if (budget == null) {
            return cap;
        }
        if (cap == null) {
            return s.defaultMaxTokens() + budget;
        }
        if (cap <= budget) {
            throw ApiException.badRequest("With reasoning_effort, " + param + " must exceed the thinking budget of "
                    + budget + " tokens; got " + cap + ".", param, "invalid_value");
        }
        return cap;
    }

    private static void dropUnsupported(ChatRequest in, List<String> dropped) {
        if (in.seed() != null) {
            BedrockMessages.note(dropped, "seed");
        }
        if (in.frequencyPenalty() != null) {
            BedrockMessages.note(dropped, "frequency_penalty");
        }
        if (in.presencePenalty() != null) {
            BedrockMessages.note(dropped, "presence_penalty");
        }
        if (in.user() != null) {
            BedrockMessages.note(dropped, "user");
        }
        if (in.metadata() != null && !in.metadata().isNull()) {
            BedrockMessages.note(dropped, "metadata");
        }
        for (String k : in.extra().keySet()) {
            if (!NATIVE.contains(k)) {
                BedrockMessages.note(dropped, k);
            }
        }
    }
}
