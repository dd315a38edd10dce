package dev.caravan.gateway;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.provider.ChatResult;

/**
 * Everything Caravan knows about one API call, kept in the exchange property {@link #PROPERTY}. The client's
 * JSON is parsed once: {@link #raw()} is the tree as sent (OpenAI-compatible upstreams get it back with only
 * their quirks applied), {@link #request()} the typed view (native translators, routing decisions).
 */
public final class ChatCall {

    public static final String PROPERTY = "caravan.call";

    private final String requestId;
    private final long startNanos;
    private final ChannelHandlerContext channel;
    private final boolean keepAlive;
    private final Map<String, String> clientHeaders;
    private Principal principal;
    private String endpoint;
    private ObjectNode raw;
    private ChatRequest request;
    private String provider;
    private String upstreamModel;
    private final Set<String> droppedParams = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Map<String, String> responseHeaders = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private volatile long deadlineNanos = Long.MAX_VALUE;
    private volatile String deployment;
    private volatile long promptTokens = -1;
    private volatile Usage usage;
    private volatile ChatResult response;
    private volatile java.util.function.UnaryOperator<Usage> usageDecorator = java.util.function.UnaryOperator.identity();
    private volatile int status;
    private volatile AttemptGuard attemptGuard;
    private volatile boolean charged;
    private volatile java.math.BigDecimal chargedUsd;
    private java.util.concurrent.CompletableFuture<?> replyHold;
    private final Map<Class<?>, Object> attachments = new java.util.concurrent.ConcurrentHashMap<>(4);
    private volatile dev.caravan.error.ErrorFormat errorFormat = dev.caravan.error.ErrorFormat.OPENAI;
    private volatile java.util.function.Supplier<dev.caravan.provider.StreamEncoder> streamEncoders;
    private volatile com.fasterxml.jackson.databind.JsonNode clientBody;

    public ChatCall(String requestId, long startNanos, ChannelHandlerContext channel, boolean keepAlive,
            Map<String, String> clientHeaders) {
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.channel = channel;
        this.keepAlive = keepAlive;
        this.clientHeaders = clientHeaders;
    }

    public String requestId() {
        return requestId;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The client's channel (streams write to it directly). */
    public ChannelHandlerContext channel() {
        return channel;
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * The request headers Caravan may use (lower-case names): only an allow-list is captured at the edge, and
     * nothing is forwarded upstream unless a provider translator asks for it by name.
     */
    public String clientHeader(String lowerCaseName) {
        return clientHeaders.get(lowerCaseName);
    }

    public Principal principal() {
        return principal;
    }

    public void principal(Principal p) {
        this.principal = p;
    }

    public String endpoint() {
        return endpoint;
    }

    public void endpoint(String e) {
        this.endpoint = e;
    }

    public ObjectNode raw() {
        return raw;
    }

    public ChatRequest request() {
        return request;
    }

    public void request(ObjectNode raw, ChatRequest request) {
        this.raw = raw;
        this.request = request;
    }

    /** The provider that answered (or is being tried). */
    public String provider() {
        return provider;
    }

    public void provider(String provider) {
        this.provider = provider;
    }

    public String upstreamModel() {
        return upstreamModel;
    }

    public void upstreamModel(String model) {
        this.upstreamModel = model;
    }

    /** Parameters a translator dropped because the target does not support them (x-caravan-dropped-params). */
    public void dropped(String param) {
        droppedParams.add(param);
    }

    public Set<String> droppedParams() {
        return droppedParams;
    }

    /** Extra headers for the client's response, set by translators (never copied from the request). */
    public void responseHeader(String name, String value) {
        responseHeaders.put(name, value);
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** Every deployment attempt of this call, in order (the decision trace, x-caravan-attempts). */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** The trace as one header value: {@code id=outcome/ms, ...}. */
    public String attemptsHeader() {
        synchronized (attempts) {
            StringBuilder sb = new StringBuilder();
            for (Attempt a : attempts) {
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                sb.append(a.deployment()).append('=').append(a.outcome()).append('/').append(a.millis()).append("ms");
            }
            return sb.toString();
        }
    }

    /** nanoTime after which no further attempt may start (whole-request deadline). */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    public void deadlineNanos(long d) {
        this.deadlineNanos = d;
    }

    /** The deployment that answered. */
    public String deployment() {
        return deployment;
    }

    public void deployment(String d) {
        this.deployment = d;
    }

    /** Estimated prompt tokens (chars/4 heuristic), -1 before it was estimated. */
    public long promptTokens() {
        return promptTokens;
    }

    public void promptTokens(long t) {
        this.promptTokens = t;
    }

    /**
     * The JSON reply of a non-streamed call (for body logging when it is enabled for the key, and trace content);
     * null otherwise. Parses a reply forwarded as the upstream's bytes: {@link #result()} does not.
     */
    public ObjectNode response() {
        ChatResult r = response;
        return r == null ? null : r.body();
    }

    /** The answer of a non-streamed call as written to the client; null otherwise. */
    public ChatResult result() {
        return response;
    }

    public void response(ChatResult result) {
        this.response = result;
    }

    public Usage usage() {
        return usage;
    }

    public void usage(Usage u) {
        this.usage = u;
    }

    /**
     * Applied to the usage the client sees in a stream's final usage chunk (e.g. to add cost). Set before the
     * provider is called; identity by default.
     */
    public java.util.function.UnaryOperator<Usage> usageDecorator() {
        return usageDecorator;
    }

    public void usageDecorator(java.util.function.UnaryOperator<Usage> d) {
        this.usageDecorator = d;
    }

    public int status() {
        return status;
    }

    public void status(int s) {
        this.status = s;
    }

    /** Consulted by deployments before each attempt; null: none. */
    public void attemptGuard(AttemptGuard g) {
        this.attemptGuard = g;
    }

    public AttemptGuard attemptGuard() {
        return attemptGuard;
    }

    /**
     * Records what the gateway charged for the call (its own price, not what a provider reports); null when the
     * model has no price. Set before the call's listeners other than the pricing one run.
     */
    public void charged(java.math.BigDecimal usd) {
        this.chargedUsd = usd;
        this.charged = true;
    }

    /** True once the gateway priced the call ({@link #chargedUsd()} may still be null: no price). */
    public boolean isCharged() {
        return charged;
    }

    public java.math.BigDecimal chargedUsd() {
        return chargedUsd;
    }

    /**
     * Asks the end of the reply to wait for {@code f}: a non-streamed reply is written, and a stream's final
     * events are sent, only once it completed (a listener that must finish first: the ledger row's commit with
     * {@code caravan.ledger.durability=sync}). Called by listeners while the call completes.
     */
    public synchronized void holdReplyUntil(java.util.concurrent.CompletableFuture<?> f) {
        replyHold = replyHold == null ? f : java.util.concurrent.CompletableFuture.allOf(replyHold, f);
    }

    /** What the end of the reply waits for ({@link #holdReplyUntil}), or null. */
    public synchronized java.util.concurrent.CompletableFuture<?> replyHold() {
        return replyHold;
    }

    /** Keeps per-call state of another part of the gateway (metering, ...), one object per type. */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, value);
    }

    /** The object attached for {@code type}, or null. */
    public <T> T attachment(Class<T> type) {
        return type.cast(attachments.get(type));
    }

    /** The format of error replies: the API the client called (OpenAI by default, Anthropic on /v1/messages). */
    public dev.caravan.error.ErrorFormat errorFormat() {
        return errorFormat;
    }

    public void errorFormat(dev.caravan.error.ErrorFormat f) {
        this.errorFormat = f;
    }

    /**
     * A fresh encoder for one stream attempt: the client API's event format. Chat Completions unless the endpoint
     * set its own with {@link #streamEncoders(java.util.function.Supplier)}.
     */
    public dev.caravan.provider.StreamEncoder streamEncoder() {
        java.util.function.Supplier<dev.caravan.provider.StreamEncoder> s = streamEncoders;
        return s != null ? s.get()
                : dev.caravan.provider.StreamEncoder.chat(request != null && request.includeUsage());
    }

    /** The encoder supplier an endpoint (or a guardrail wrapping it) set; null: Chat Completions. */
    public java.util.function.Supplier<dev.caravan.provider.StreamEncoder> streamEncoders() {
        return streamEncoders;
    }

    public void streamEncoders(java.util.function.Supplier<dev.caravan.provider.StreamEncoder> s) {
        this.streamEncoders = s;
    }

    /**
     * The body as the client sent it, on endpoints whose request is translated to the internal chat form at the
     * edge ({@code /v1/messages}, {@code /v1/responses}): a provider that speaks that API natively sends this
     * instead of a translation. Null on {@code /v1/chat/completions}, where {@link #raw()} is the client's body.
     */
    public com.fasterxml.jackson.databind.JsonNode clientBody() {
        return clientBody;
    }

    public void clientBody(com.fasterxml.jackson.databind.JsonNode body) {
        this.clientBody = body;
    }

    public boolean isStream() {
        return request != null && request.isStream();
    }
}
