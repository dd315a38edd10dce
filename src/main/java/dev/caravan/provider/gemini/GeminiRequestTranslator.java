package dev.caravan.provider.gemini;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Tool;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;
import dev.caravan.provider.gemini.GeminiWire.GenerationConfig;
import dev.caravan.provider.gemini.GeminiWire.Request;

/**
 * Client request ({@link ChatRequest}) → {@code POST /v1beta/models/{model}:generateContent} (or
 * {@code :streamGenerateContent?alt=sse}) with {@code x-goog-api-key}: the key never goes into the URL.
 */
public final class GeminiRequestTranslator implements Processor {

    /** thinkingBudget per reasoning_effort (Gemini 2.5; Google's own OpenAI layer uses 1K/8K/24K). */
    static final Map<String, Integer> BUDGETS = Map.of("none", 0, "minimal", 512, "low", 1024, "medium", 8192,
            "high", 24576, "xhigh", 24576, "max", 24576);
    /** thinkingLevel per reasoning_effort (Gemini 3, which cannot switch thinking off). */
    static final Map<String, String> LEVELS = Map.of("none", "MINIMAL", "minimal", "MINIMAL", "low", "LOW",
            "medium", "MEDIUM", "high", "HIGH", "xhigh", "HIGH", "max", "HIGH");
    /** Gemini-native fields a client may send in its body (e.g. extra_body), forwarded as they are. */
    private static final Set<String> NATIVE = Set.of("safety_settings", "safetySettings", "cached_content",
            "cachedContent");

    @Override
    public void process(Exchange exchange) throws Exception {
        GeminiConfig p = exchange.getProperty(ProviderConfig.PROPERTY, GeminiConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        List<String> dropped = new ArrayList<>();
        Request body = translate(exchange.getMessage().getMandatoryBody(ChatRequest.class), model, p.settings(),
                dropped);
        dropped.forEach(call::dropped);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", call.isStream() ? "text/event-stream" : "application/json");
        headers.put("x-goog-api-key", p.key());
        String path = "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("%2F", "/")
                + (call.isStream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), URI.create(p.baseUrl() + path), headers,
                Json.MAPPER.writeValueAsBytes(body), call.isStream(), p.timeoutFor(exchange), p.idle(),
                call.isStream() ? new GeminiStreamTranslator(model, call.request().includeUsage(),
                        System::currentTimeMillis) : null));
    }

    /** Pure: the Gemini request for {@code in} sent to {@code model}; parameters not forwarded go to dropped. */
    public static Request translate(ChatRequest in, String model, GeminiSettings s, List<String> dropped) {
        GeminiContents.Converted conv = GeminiContents.convert(in.messages(), s.signatureModels().matches(model),
                dropped);
        List<GeminiWire.ToolDecl> tools = tools(in, dropped);
        GeminiWire.ToolConfig toolConfig = tools == null ? null : toolConfig(in.toolChoice());
        if (tools == null && in.toolChoice() != null && !in.toolChoice().isNull()) {
            GeminiContents.note(dropped, "tool_choice");
        }
        if (Boolean.FALSE.equals(in.parallelToolCalls())) {
            GeminiContents.note(dropped, "parallel_tool_calls");
        }
        JsonNode safety = in.extra().containsKey("safetySettings") ? in.extra().get("safetySettings")
                : in.extra().get("safety_settings");
        JsonNode cached = in.extra().containsKey("cachedContent") ? in.extra().get("cachedContent")
                : in.extra().get("cached_content");
        dropUnsupported(in, dropped);
        return new Request(conv.system(), conv.contents(), tools, toolConfig, generation(in, model, s), safety,
                cached == null || cached.isNull() ? null : cached.asText());
    }

    private static GenerationConfig generation(ChatRequest in, String model, GeminiSettings s) {
        String mime = null;
        JsonNode schema = null;
        if (in.responseFormat() != null && "json_object".equals(in.responseFormat().type())) {
            mime = "application/json";
        } else if (in.responseFormat() != null && "json_schema".equals(in.responseFormat().type())) {
            mime = "application/json";
            schema = in.responseFormat().jsonSchema() == null ? null : in.responseFormat().jsonSchema().schema();
            if (schema == null || !schema.isObject()) {
                throw ApiException.badRequest("response_format.json_schema.schema is required.",
                        "response_format.json_schema.schema", "missing_required_parameter");
            }
        }
        List<String> stops = in.stopSequences();
        GenerationConfig g = new GenerationConfig(in.outputCap(), in.temperature(), in.topP(), in.topK(),
                stops.isEmpty() ? null : stops, in.n() != null && in.n() > 1 ? in.n() : null, in.seed(),
                in.presencePenalty(), in.frequencyPenalty(), mime, schema, thinking(in.reasoningEffort(), model, s));
        return g.equals(new GenerationConfig(null, null, null, null, null, null, null, null, null, null, null, null))
                ? null : g;
    }

    private static GeminiWire.ThinkingConfig thinking(String effort, String model, GeminiSettings s) {
        if (effort == null) {
            return null;
        }
        if (!BUDGETS.containsKey(effort)) {
            throw ApiException.badRequest("reasoning_effort must be one of none, minimal, low, medium, high, xhigh, "
                    + "max; got '" + effort + "'.", "reasoning_effort", "invalid_value");
        }
        boolean show = !"none".equals(effort);
        return s.thinkingLevelModels().matches(model)
                ? new GeminiWire.ThinkingConfig(show ? Boolean.TRUE : null, null, LEVELS.get(effort))
                : new GeminiWire.ThinkingConfig(show ? Boolean.TRUE : null, BUDGETS.get(effort), null);
    }

    private static List<GeminiWire.ToolDecl> tools(ChatRequest in, List<String> dropped) {
        if (in.tools() == null || in.tools().isEmpty()) {
            return null;
        }
        List<GeminiWire.FunctionDecl> decls = new ArrayList<>();
        for (int i = 0; i < in.tools().size(); i++) {
            Tool t = in.tools().get(i);
            if (t.function() == null || t.function().name() == null) {
                throw ApiException.badRequest("tools[" + i + "] must be a function tool with a name; Gemini models "
                        + "take only function tools here.", "tools[" + i + "]", "unsupported_value");
            }
            if (t.cacheControl() != null) {
                GeminiContents.note(dropped, "cache_control");
            }
            if (Boolean.TRUE.equals(t.function().strict())) {
                GeminiContents.note(dropped, "tools[].function.strict");
            }
            JsonNode params = t.function().parameters();
            decls.add(new GeminiWire.FunctionDecl(t.function().name(), t.function().description(),
                    params == null || params.isNull() ? null : params));
        }
        return List.of(new GeminiWire.ToolDecl(decls));
    }

    private static GeminiWire.ToolConfig toolConfig(JsonNode tc) {
        if (tc == null || tc.isNull()) {
            return null;
        }
        GeminiWire.FunctionCallingConfig f;
        if (tc.isTextual() && Set.of("auto", "none", "required").contains(tc.asText())) {
            f = new GeminiWire.FunctionCallingConfig(switch (tc.asText()) {
                case "none" -> "NONE";
                case "required" -> "ANY";
                default -> "AUTO";
            }, null);
        } else if ("function".equals(tc.path("type").asText()) && tc.path("function").hasNonNull("name")) {
            f = new GeminiWire.FunctionCallingConfig("ANY", List.of(tc.path("function").get("name").asText()));
        } else {
            throw ApiException.badRequest("tool_choice must be 'auto', 'none', 'required' or "
                    + "{\"type\":\"function\",\"function\":{\"name\":...}} for Gemini models.", "tool_choice",
                    "unsupported_value");
        }
        return new GeminiWire.ToolConfig(f);
    }

    private static void dropUnsupported(ChatRequest in, List<String> dropped) {
        if (in.user() != null) {
            GeminiContents.note(dropped, "user");
        }
        if (in.metadata() != null && !in.metadata().isNull()) {
            GeminiContents.note(dropped, "metadata");
        }
        for (String k : in.extra().keySet()) {
            if (!NATIVE.contains(k)) {
                GeminiContents.note(dropped, k);
            }
        }
    }
}
