package dev.caravan.guardrail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;

/**
 * Asks an HTTP service. POSTs {@code {"guardrail","stage":"request"|"response","text","request"|"response"}}
 * where {@code text} is the text under review (the last inspected message's text, or the answer's) and the other
 * field the whole chat request or {@code chat.completion}; the reply {@code {"action":"allow"|"mask"|"block",
 * "text"?, "reason"?}} passes it, replaces {@code text} with the reply's, or blocks with the reason. Properties:
 * {@code url}, {@code timeoutMs} (default 2000), {@code failOpen} (default false: an unreachable, slow or
 * malformed webhook blocks), {@code authorization} (an Authorization header value, by property reference).
 * Streamed answers are not sent to the webhook.
 */
public class WebhookGuardrail extends Guardrail {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookGuardrail.class);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private URI url;
    private long timeoutMs = 2000;
    private boolean failOpen;
    private String authorization;

    public WebhookGuardrail() {
        setName("webhook");
    }

    public void setUrl(String url) {
        this.url = URI.create(url);
    }

    public void setTimeoutMs(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public void setFailOpen(boolean failOpen) {
        this.failOpen = failOpen;
    }

    public void setAuthorization(String authorization) {
        this.authorization = authorization == null || authorization.isBlank() ? null : authorization;
    }

    /** The webhook's decision. */
    record Reply(String action, String text, String reason) {
    }

    @Override
    protected Verdict checkRequest(ChatCall call) throws Exception {
        List<TextSlots.Slot> slots = TextSlots.chatRequest(call.raw(), roles(), toolArguments());
        if (slots.isEmpty()) {
            return Verdict.ALLOW;
        }
        TextSlots.Slot last = slots.get(slots.size() - 1);
        Reply r = ask("request", last.get(), call.raw());
        if (r == null) {
            return Verdict.ERROR;
        }
        if (r.text() != null) {
            String before = last.get();
            last.set(r.text());
            if (call.clientBody() != null) {
                // the client's own body (sent as is to providers of that API): its last text of the same value
                List<TextSlots.Slot> cs = TextSlots.clientBody(call.clientBody(), roles());
                for (int i = cs.size() - 1; i >= 0; i--) {
                    TextSlots.Slot s = cs.get(i);
                    if (s.get().equals(before)) {
                        s.set(r.text());
                        break;
                    }
                }
            }
            return Verdict.MASK;
        }
        return Verdict.ALLOW;
    }

    @Override
    protected Verdict checkAnswer(ObjectNode completion) throws Exception {
        List<TextSlots.Slot> slots = TextSlots.answer(completion);
        if (slots.isEmpty()) {
            return Verdict.ALLOW;
        }
        TextSlots.Slot s = slots.get(0);
        Reply r = ask("response", s.get(), completion);
        if (r == null) {
            return Verdict.ERROR;
        }
        if (r.text() != null) {
            s.set(r.text());
            return Verdict.MASK;
        }
        return Verdict.ALLOW;
    }

    /** The webhook's reply; null when it failed and the guardrail fails open; a rejection when it blocks. */
    private Reply ask(String stage, String text, JsonNode whole) throws Exception {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("guardrail", getName());
        payload.put("stage", stage);
        payload.put("text", text);
        payload.set(stage, whole);
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(timeoutMs))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(payload)));
        if (authorization != null) {
            req.header("authorization", authorization);
        }
        Reply reply;
        try {
            HttpResponse<byte[]> res = CLIENT.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray())
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            if (res.statusCode() / 100 != 2) {
                return failed(stage, "status " + res.statusCode());
            }
            JsonNode n = Json.MAPPER.readTree(res.body());
            reply = new Reply(n.path("action").asText(""), n.path("text").isTextual() ? n.get("text").textValue()
                    : null, n.path("reason").isTextual() ? n.get("reason").textValue() : null);
        } catch (java.util.concurrent.TimeoutException e) {
            return failed(stage, "no reply within " + timeoutMs + " ms");
        } catch (java.util.concurrent.ExecutionException | java.io.IOException e) {
            return failed(stage, e.getCause() != null ? e.getCause().getClass().getSimpleName()
                    : e.getClass().getSimpleName());
        }
        switch (reply.action()) {
            case "allow":
                return new Reply("allow", null, null);
            case "mask":
                if (reply.text() == null) {
                    return failed(stage, "mask without text");
                }
                return reply;
            case "block":
                throw rejection(stage, reply.reason() == null ? null : cut(reply.reason()));
            default:
                return failed(stage, "unknown action");
        }
    }

    private Reply failed(String stage, String why) {
        LOG.warn("guardrail {} webhook failed on the {}: {}; {}", getName(), stage, why,
                failOpen ? "allowing (fail-open)" : "blocking (fail-closed)");
        if (failOpen) {
            return null;
        }
        throw rejection(stage, "the guardrail service could not decide (" + why + ")");
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
