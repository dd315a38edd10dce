package dev.caravan.embed;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.CallEvents;
import dev.caravan.gateway.CallFacts;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;

/**
 * The step of the {@code caravan-chat-action} kamelet: turns the host's message into a chat completion request,
 * runs it through the embedded Caravan ({@link CaravanEngine}: routing, failover, translation) and puts the answer
 * in the body. The body in is a prompt (text) or a whole OpenAI request (JSON text, a Map or a JsonNode); the body
 * out is the answer's text ({@code output=text}) or the OpenAI response as JSON ({@code output=json}). Failures
 * are thrown to the host as Caravan's own exceptions ({@code ApiException}, {@code ProviderUnavailable}).
 *
 * <p>The call is attributed to {@code keyId}/{@code tenant} in metrics and the access log, like an API call.
 */
public class ChatAction implements Processor, CamelContextAware {

    public static final String REQUEST_ID = "CaravanRequestId";
    public static final String PROVIDER = "CaravanProvider";
    public static final String PROMPT_TOKENS = "CaravanPromptTokens";
    public static final String COMPLETION_TOKENS = "CaravanCompletionTokens";
    public static final String COST = "CaravanCostUsd";

    private CamelContext camelContext;
    private String model;
    private String systemPrompt;
    private Double temperature;
    private Integer maxTokens;
    private String keyId = "embedded";
    private String tenant = "default";
    private String output = "text";

    @Override
    public void process(Exchange exchange) throws Exception {
        CaravanEngine engine = CaravanEngine.of(camelContext);
        ObjectNode request = ChatRequests.build(exchange.getMessage().getBody(), model, systemPrompt, temperature,
                maxTokens);
        ChatCall call = new ChatCall(requestId(), System.nanoTime(), null, true, Map.of());
        call.endpoint("kamelet");
        call.principal(new Principal(keyId, tenant, Map.of("source", "kamelet")));
        Exchange inner = engine.newExchange();
        inner.setProperty(ChatCall.PROPERTY, call);
        inner.getMessage().setBody(Json.MAPPER.writeValueAsBytes(request));
        engine.call(inner);
        CallEvents events = engine.events();
        if (inner.getException() != null) {
            Exception e = inner.getException();
            ErrorMapper.ClientError ce = ErrorMapper.toClient(e, call.requestId());
            events.completed(call, new CallOutcome(ce.status(), call.usage(), false, "error",
                    ce.body().error().code(), 0, 0, System.nanoTime()));
            throw e;
        }
        ChatResult result = inner.getMessage().getMandatoryBody(ChatResult.class);
        call.usage(result.usage());
        call.response(result);
        CallOutcome ok = new CallOutcome(200, result.usage(), false, "ok", null, 0, 0, System.nanoTime());
        events.completed(call, ok);
        reply(exchange.getMessage(), call, result, CallFacts.cost(call, ok));
    }

    private void reply(Message out, ChatCall call, ChatResult result, Double cost) throws Exception {
        out.setHeader(REQUEST_ID, call.requestId());
        out.setHeader(PROVIDER, call.provider());
        Usage u = result.usage();
        if (u != null) {
            out.setHeader(PROMPT_TOKENS, u.prompt());
            out.setHeader(COMPLETION_TOKENS, u.completion());
        }
        if (cost != null) {
            out.setHeader(COST, cost);
        }
        if ("json".equals(output)) {
            out.setBody(Json.MAPPER.writeValueAsString(result.body()));
        } else {
            out.setBody(text(result.body()));
        }
    }

    /** The first choice's text (content parts joined); empty when the answer has none (e.g. only tool calls). */
    static String text(ObjectNode body) {
        JsonNode content = body.at("/choices/0/message/content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        if (content instanceof ArrayNode parts) {
            parts.forEach(p -> sb.append(p.path("text").asText("")));
        }
        return sb.toString();
    }

    private static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    // ---- kamelet parameters ----

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setModel(String model) {
        this.model = blank(model);
    }

    public void setSystemPrompt(String systemPrompt) {
        this.systemPrompt = blank(systemPrompt);
    }

    public void setTemperature(String temperature) {
        this.temperature = blank(temperature) == null ? null : Double.valueOf(temperature.trim());
    }

    public void setMaxTokens(String maxTokens) {
        this.maxTokens = blank(maxTokens) == null ? null : Integer.valueOf(maxTokens.trim());
    }

    public void setKeyId(String keyId) {
        this.keyId = blank(keyId) == null ? "embedded" : keyId.trim();
    }

    public void setTenant(String tenant) {
        this.tenant = blank(tenant) == null ? "default" : tenant.trim();
    }

    public void setOutput(String output) {
        String o = blank(output) == null ? "text" : output.trim();
        if (!o.equals("text") && !o.equals("json")) {
            throw new IllegalArgumentException("output must be text or json, got '" + output + "'");
        }
        this.output = o;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
