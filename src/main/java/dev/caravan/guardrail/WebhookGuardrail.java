package dev.caravan.guardrail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;

/**
 * Asks an HTTP service. POSTs {@code {"guardrail","stage":"request"|"response","text","request"|"response"}}
 * where {@code text} is the text under review (the last inspected message's text, or the answer's) and the other
 * field the whole chat request or {@code chat.completion}; the reply {@code {"action":"allow"|"mask"|"block",
 * "text"?, "reason"?}} passes it, replaces {@code text} with the reply's, or blocks with the reason. Properties:
 * {@code url}, {@code timeoutMs} (default 2000), {@code failOpen} (default false: an unreachable, slow or
 * malformed webhook blocks), {@code authorization} (an Authorization header value, by property reference),
 * {@code streamMaxChars} (default 200000). A streamed answer is held whole and reviewed at its end
 * ({@link ReviewedStreamEncoder}). Asynchronous: no thread waits for the reply.
 */
public class WebhookGuardrail extends Guardrail implements AsyncProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookGuardrail.class);
    /** Runs the HTTP client and the route's continuation (not the JDK's single timeout thread). */
    private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "caravan-guardrail-webhook");
                t.setDaemon(true);
                return t;
            });
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(THREADS).build();

    private URI url;
    private long timeoutMs = 2000;
    private boolean failOpen;
    private String authorization;
    private int streamMaxChars = 200_000;

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

    /** The longest streamed answer held for review (characters); longer ones are treated as a failed review. */
    public void setStreamMaxChars(int streamMaxChars) {
        if (streamMaxChars <= 0) {
            throw new IllegalArgumentException("guardrail " + getName() + ": streamMaxChars must be positive");
        }
        this.streamMaxChars = streamMaxChars;
    }

    int streamMaxChars() {
        return streamMaxChars;
    }

    boolean failsOpen() {
        return failOpen;
    }

    @Override
    protected dev.caravan.provider.StreamEncoder guardStream(ChatCall call, dev.caravan.provider.StreamEncoder encoder) {
        return new ReviewedStreamEncoder(this, encoder, v -> record(call, v));
    }

    /** The webhook's decision. */
    record Reply(String action, String text, String reason) {
    }

    // ---- asynchronous step: no thread waits for the webhook ----

    @Override
    public void process(Exchange exchange) throws Exception {
        AsyncProcessorHelper.process(this, exchange);
    }

    @Override
    public CompletableFuture<Exchange> processAsync(Exchange exchange) {
        CompletableFuture<Exchange> f = new CompletableFuture<>();
        process(exchange, done -> f.complete(exchange));
        return f;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        bindMeters(exchange);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        Object body = exchange.getMessage().getBody();
        CompletableFuture<Verdict> check;
        boolean request;
        try {
            if (body instanceof ChatResult r && onResponse()) {
                check = answerAsync(r.body());
                request = false;
            } else if (call != null && call.raw() != null && body instanceof ChatRequest && onRequest()) {
                if (onResponse() && call.isStream()) {
                    streamGuards(call).add(this);
                }
                check = requestAsync(call);
                request = true;
            } else if (call != null && call.raw() != null && body instanceof ChatRequest && onResponse()
                    && call.isStream()) {
                streamGuards(call).add(this);
                callback.done(true);
                return true;
            } else {
                callback.done(true);
                return true;
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        check.whenCompleteAsync((v, err) -> {
            try {
                if (err != null) {
                    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    if (c instanceof ApiException a && CODE.equals(a.code())) {
                        record(call, Verdict.BLOCK);
                    }
                    exchange.setException(c);
                } else if (request) {
                    requestChecked(exchange, call, v);
                } else {
                    record(call, v);
                }
            } catch (Exception e) {
                exchange.setException(e);
            } finally {
                callback.done(false);
            }
        }, THREADS);
        return false;
    }

    @Override
    protected Verdict checkRequest(ChatCall call) {
        return join(requestAsync(call));
    }

    @Override
    protected Verdict checkAnswer(ObjectNode completion) {
        return join(answerAsync(completion));
    }

    private static Verdict join(CompletableFuture<Verdict> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    CompletableFuture<Verdict> requestAsync(ChatCall call) {
        List<TextSlots.Slot> slots = TextSlots.chatRequest(call.raw(), roles(), toolArguments());
        if (slots.isEmpty()) {
            return CompletableFuture.completedFuture(Verdict.ALLOW);
        }
        TextSlots.Slot last = slots.get(slots.size() - 1);
        String before = last.get();
        return ask("request", before, call.raw()).thenApply(r -> {
            if (r == null) {
                return Verdict.ERROR;
            }
            if (r.text() == null) {
                return Verdict.ALLOW;
            }
            last.set(r.text());
            if (call.clientBody() != null) {
                // the client's own body (sent as is to providers of that API): its last text of the same value
                List<TextSlots.Slot> cs = TextSlots.clientBody(call.clientBody(), roles());
                for (int i = cs.size() - 1; i >= 0; i--) {
                    if (cs.get(i).get().equals(before)) {
                        cs.get(i).set(r.text());
                        break;
                    }
                }
            }
            return Verdict.MASK;
        });
    }

    CompletableFuture<Verdict> answerAsync(ObjectNode completion) {
        List<TextSlots.Slot> slots = TextSlots.answer(completion);
        if (slots.isEmpty()) {
            return CompletableFuture.completedFuture(Verdict.ALLOW);
        }
        TextSlots.Slot s = slots.get(0);
        return ask("response", s.get(), completion).thenApply(r -> {
            if (r == null) {
                return Verdict.ERROR;
            }
            if (r.text() == null) {
                return Verdict.ALLOW;
            }
            s.set(r.text());
            return Verdict.MASK;
        });
    }

    /**
     * The webhook's reply: completes with null when it failed and the guardrail fails open, exceptionally with a
     * rejection when it blocks (or failed and the guardrail fails closed).
     */
    private CompletableFuture<Reply> ask(String stage, String text, JsonNode whole) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("guardrail", getName());
        payload.put("stage", stage);
        payload.put("text", text);
        payload.set(stage, whole);
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(payload);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot serialize the guardrail payload", e);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(timeoutMs))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            req.header("authorization", authorization);
        }
        return CLIENT.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray())
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .handle((res, err) -> decide(stage, res, err));
    }

    private Reply decide(String stage, HttpResponse<byte[]> res, Throwable err) {
        if (err != null) {
            Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            return failed(stage, c instanceof TimeoutException || c instanceof HttpTimeoutException
                    ? "no reply within " + timeoutMs + " ms" : c.getClass().getSimpleName());
        }
        if (res.statusCode() / 100 != 2) {
            return failed(stage, "status " + res.statusCode());
        }
        Reply reply;
        try {
            JsonNode n = Json.MAPPER.readTree(res.body());
            reply = new Reply(n.path("action").asText(""), n.path("text").isTextual() ? n.get("text").textValue()
                    : null, n.path("reason").isTextual() ? n.get("reason").textValue() : null);
        } catch (java.io.IOException e) {
            return failed(stage, "unreadable reply");
        }
        switch (reply.action()) {
            case "allow":
                return new Reply("allow", null, null);
            case "mask":
                return reply.text() == null ? failed(stage, "mask without text") : reply;
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
