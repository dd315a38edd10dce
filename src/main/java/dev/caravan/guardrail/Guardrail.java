package dev.caravan.guardrail;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.micrometer.MicrometerConstants;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.StreamEncoder;

/**
 * A step of a routing file ({@code - process: { ref: <bean> }}) that inspects what goes to the model and what
 * comes back. Placed before the call (the body is the typed request) it checks the request's texts and, for a
 * stream, installs a filter on the stream's chunks; placed after the call (the body is a non-stream answer) it
 * checks the answer. Anything else passes untouched, so the same bean may be used at both places.
 *
 * <p>Bean properties common to every guardrail: {@code name} (metrics label and error message), {@code roles}
 * (which message roles are inspected, default {@code user,system}), {@code toolArguments} (tool-call arguments
 * too, default false), {@code on} ({@code request}, {@code response} or both, the default).
 */
public abstract class Guardrail implements Processor {

    public static final String CODE = "content_policy_violation";

    private String name = getClass().getSimpleName();
    private Set<String> roles = Set.of("user", "system");
    private boolean toolArguments;
    private boolean onRequest = true;
    private boolean onResponse = true;
    private volatile MeterRegistry meters;

    // ---- bean properties ----

    public void setName(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setRoles(String roles) {
        this.roles = split(roles);
    }

    public Set<String> roles() {
        return roles;
    }

    public void setToolArguments(boolean toolArguments) {
        this.toolArguments = toolArguments;
    }

    public boolean toolArguments() {
        return toolArguments;
    }

    /** {@code request}, {@code response}, or {@code request,response}. */
    public void setOn(String on) {
        Set<String> s = split(on);
        for (String x : s) {
            if (!x.equals("request") && !x.equals("response")) {
                throw new IllegalArgumentException("guardrail " + name + ": 'on' takes request and/or response, not " + x);
            }
        }
        this.onRequest = s.contains("request");
        this.onResponse = s.contains("response");
    }

    static Set<String> split(String csv) {
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .forEach(x -> out.add(x.toLowerCase(Locale.ROOT)));
        return out;
    }

    // ---- the step ----

    /** Finds the gateway's meter registry once (beans of route files are created before it is looked up). */
    protected void bindMeters(Exchange exchange) {
        if (meters == null) {
            meters = exchange.getContext().getRegistry()
                    .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        }
    }

    protected boolean onRequest() {
        return onRequest;
    }

    protected boolean onResponse() {
        return onResponse;
    }

    /** After a request check: a masked request becomes the typed request (or embeddings request) again. */
    protected void requestChecked(Exchange exchange, ChatCall call, Verdict v) throws Exception {
        record(call, v);
        if (v == Verdict.MASK && call.attachment(EmbeddingsRequest.class) != null) {
            // embeddings: the typed embeddings request is what non-OpenAI translators read
            call.attach(EmbeddingsRequest.class, EmbeddingsRequest.parse(call.raw()));
        } else if (v == Verdict.MASK) {
            ChatRequest typed = Json.MAPPER.treeToValue(call.raw(), ChatRequest.class);
            call.request(call.raw(), typed);
            exchange.getMessage().setBody(typed);
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        bindMeters(exchange);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        Object body = exchange.getMessage().getBody();
        if (body instanceof ChatResult result) {
            if (onResponse) {
                record(call, counted(call, () -> checkAnswer(result.body())));
            }
            return;
        }
        if (call == null || call.raw() == null || !(body instanceof ChatRequest)) {
            return;
        }
        if (onRequest) {
            requestChecked(exchange, call, counted(call, () -> checkRequest(call)));
        }
        if (onResponse && call.isStream()) {
            streamGuards(call).add(this);
        }
    }

    /**
     * The stream guardrails of this call, in step order. The first one installs one encoder supplier that chains
     * them so that the first step sees the provider's text first, as it saw the request first.
     */
    static List<Guardrail> streamGuards(ChatCall call) {
        synchronized (call) {
            StreamGuards g = call.attachment(StreamGuards.class);
            if (g == null) {
                Supplier<StreamEncoder> inner = call.streamEncoders();
                boolean usage = call.request().includeUsage();
                StreamGuards guards = new StreamGuards(new CopyOnWriteArrayList<>());
                call.streamEncoders(() -> {
                    StreamEncoder e = inner != null ? inner.get() : StreamEncoder.chat(usage);
                    List<Guardrail> l = guards.list();
                    for (int i = l.size() - 1; i >= 0; i--) {
                        e = l.get(i).guardStream(call, e);
                    }
                    return e;
                });
                call.attach(StreamGuards.class, guards);
                g = guards;
            }
            return g.list();
        }
    }

    private record StreamGuards(List<Guardrail> list) {
    }

    /**
     * Checks (and may rewrite in place) the request's texts: {@code call.raw()} and, on translated endpoints,
     * {@code call.clientBody()}. Throws {@link #rejection} to block.
     */
    protected abstract Verdict checkRequest(ChatCall call) throws Exception;

    /** Checks (and may rewrite in place) a non-stream answer in {@code chat.completion} form. */
    protected abstract Verdict checkAnswer(ObjectNode completion) throws Exception;

    /** Wraps one stream attempt's encoder; identity when this guardrail does not look at streams. */
    protected StreamEncoder guardStream(ChatCall call, StreamEncoder encoder) {
        return encoder;
    }

    // ---- shared helpers ----

    /** The 400 a block becomes. Names the guardrail and what it found, never the matched text. */
    protected ApiException rejection(String stage, String why) {
        String msg = "The " + stage + " was blocked by guardrail '" + name + "'" + (why == null || why.isBlank()
                ? "." : ": " + why + ".");
        return new ApiException(400, ErrorMapper.INVALID_REQUEST, CODE, null, msg);
    }

    /** Counts a verdict (and a block, before it is thrown) and notes it for the access log. */
    protected void record(ChatCall call, Verdict v) {
        MeterRegistry m = meters;
        if (m != null) {
            Counter.builder("caravan.guardrail.verdicts").description("Guardrail verdicts by guardrail and verdict")
                    .tag("guardrail", name).tag("verdict", v.label()).register(m).increment();
        }
        if (call != null) {
            GuardrailTrace.of(call).add(name, v);
        }
    }

    /** Runs {@code check}; counts a block (an {@link ApiException} with {@link #CODE}) before rethrowing it. */
    protected Verdict counted(ChatCall call, Check check) throws Exception {
        try {
            return check.run();
        } catch (ApiException e) {
            if (CODE.equals(e.code())) {
                record(call, Verdict.BLOCK);
            }
            throw e;
        }
    }

    /** A check that may throw a rejection. */
    @FunctionalInterface
    protected interface Check {
        Verdict run() throws Exception;
    }
}
