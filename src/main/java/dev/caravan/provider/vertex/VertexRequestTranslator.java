package dev.caravan.provider.vertex;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.UpstreamRequest;
import dev.caravan.provider.anthropic.AnthropicRequestTranslator;
import dev.caravan.provider.anthropic.AnthropicStreamTranslator;
import dev.caravan.provider.gemini.GeminiRequestTranslator;
import dev.caravan.provider.gemini.GeminiStreamTranslator;

/**
 * Client request → Vertex AI, reusing the Gemini and Anthropic translators. Gemini models:
 * {@code :generateContent} / {@code :streamGenerateContent?alt=sse} on publisher {@code google}, the same body as the
 * Gemini API. Claude models ({@code claude*}): {@code :rawPredict} / {@code :streamRawPredict} on publisher
 * {@code anthropic}, the Messages body without {@code model} and with {@code anthropic_version: vertex-2023-10-16}.
 * Auth: a Google OAuth access token as a bearer token.
 */
public final class VertexRequestTranslator implements Processor {

    /** Marks a Claude call for the response step. */
    static final String CLAUDE = "CaravanVertexClaude";
    static final String JSON_TOOL = "CaravanVertexJsonTool";

    @Override
    public void process(Exchange exchange) throws Exception {
        VertexConfig p = exchange.getProperty(ProviderConfig.PROPERTY, VertexConfig.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        ChatRequest in = exchange.getMessage().getMandatoryBody(ChatRequest.class);
        boolean stream = call.isStream();
        byte[] body;
        String path;
        StreamTranslator st = null;
        if (p.isClaude(model)) {
            AnthropicRequestTranslator.Translated t = AnthropicRequestTranslator.translate(in, model,
                    p.anthropicSettings());
            t.dropped().forEach(call::dropped);
            body = Json.MAPPER.writeValueAsBytes(claudeBody(t, p.anthropicVersion()));
            path = p.modelPath("anthropic", model, stream ? "streamRawPredict" : "rawPredict");
            exchange.setProperty(CLAUDE, true);
            exchange.setProperty(JSON_TOOL, t.jsonTool());
            if (stream) {
                st = new AnthropicStreamTranslator(t.jsonTool(), in.includeUsage(), System::currentTimeMillis);
            }
        } else {
            List<String> dropped = new ArrayList<>();
            body = Json.MAPPER.writeValueAsBytes(GeminiRequestTranslator.translate(in, model, p.geminiSettings(),
                    dropped));
            dropped.forEach(call::dropped);
            path = p.modelPath("google", model, stream ? "streamGenerateContent?alt=sse" : "generateContent");
            if (stream) {
                st = new GeminiStreamTranslator(model, in.includeUsage(), System::currentTimeMillis);
            }
        }
        URI uri = URI.create(p.baseUrl() + path);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        headers.putAll(p.authHeaders(uri));
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri, headers, body, stream,
                p.timeoutFor(exchange), p.idle(), st));
    }

    /** Pure: the rawPredict body: the Messages request without {@code model}, with {@code anthropic_version}. */
    static ObjectNode claudeBody(AnthropicRequestTranslator.Translated t, String anthropicVersion) {
        ObjectNode body = Json.MAPPER.valueToTree(t.body());
        body.remove("model");
        body.put("anthropic_version", anthropicVersion);
        return body;
    }
}
