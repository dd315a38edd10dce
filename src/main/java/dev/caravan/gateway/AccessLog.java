package dev.caravan.gateway;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.logging.BodyLogPolicy;
import dev.caravan.logging.Redactor;

/**
 * One JSON line per request on the logger {@code caravan.access} (route it anywhere with logback): request id, key
 * id, tenant, model, provider, deployment, attempts, status, tokens, cost, latency, stream. Never a key or a header.
 * Request and response bodies only for keys the {@link BodyLogPolicy} names, and then redacted.
 */
public final class AccessLog implements CallListener {

    public static final String LOGGER = "caravan.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private volatile BodyLogPolicy bodies;
    private final Redactor redactor;

    public AccessLog() {
        this(BodyLogPolicy.NEVER, new Redactor(null, 4096));
    }

    public AccessLog(BodyLogPolicy bodies, Redactor redactor) {
        this.bodies = bodies;
        this.redactor = redactor;
    }

    /** Replaces the body policy (a key store supplies a per-key one). */
    public void bodyLogPolicy(BodyLogPolicy policy) {
        this.bodies = policy;
    }

    public BodyLogPolicy bodyLogPolicy() {
        return bodies;
    }

    @Override
    public void completed(ChatCall call, CallOutcome o) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info(line(call, o));
    }

    /** The line's JSON, written field by field (no tree, no second pass). */
    String line(ChatCall call, CallOutcome o) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator line = Json.MAPPER.getFactory().createGenerator(text)) {
            line.writeStartObject();
            line.writeStringField("ts", timestamp(Instant.now()));
            line.writeStringField("request_id", call.requestId());
            line.writeStringField("endpoint", call.endpoint());
            if (call.principal() != null) {
                line.writeStringField("key_id", call.principal().keyId());
                line.writeStringField("tenant", call.principal().tenant());
            }
            if (call.request() != null) {
                line.writeStringField("model", call.request().model());
            }
            if (call.provider() != null) {
                line.writeStringField("provider", call.provider());
            }
            String deployment = CallFacts.deployment(call);
            if (deployment != null) {
                line.writeStringField("deployment", deployment);
            }
            line.writeNumberField("attempts", CallFacts.attempts(call));
            if (!call.attempts().isEmpty()) {
                line.writeArrayFieldStart("trace");
                synchronized (call.attempts()) {
                    for (Attempt a : call.attempts()) {
                        line.writeStartObject();
                        line.writeStringField("deployment", a.deployment());
                        line.writeStringField("outcome", a.outcome());
                        line.writeNumberField("ms", a.millis());
                        line.writeEndObject();
                    }
                }
                line.writeEndArray();
            }
            line.writeNumberField("status", o.status());
            line.writeBooleanField("stream", o.stream());
            line.writeStringField("result", o.result());
            usage(line, CallFacts.usage(call, o));
            Double cost = CallFacts.cost(call, o);
            if (cost != null) {
                line.writeNumberField("cost_usd", cost);
            }
            timing(line, call, o);
            if (o.errorCode() != null) {
                line.writeStringField("error", o.errorCode());
            }
            dev.caravan.guardrail.GuardrailTrace guardrails =
                    call.attachment(dev.caravan.guardrail.GuardrailTrace.class);
            if (guardrails != null) {
                line.writeStringField("guardrails", guardrails.toString());
            }
            if (bodies.logBodies(call.principal())) {
                bodies(line, call);
            }
            line.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void usage(JsonGenerator line, Usage u) throws IOException {
        if (u == null) {
            return;
        }
        line.writeNumberField("prompt_tokens", u.prompt());
        line.writeNumberField("completion_tokens", u.completion());
        if (u.cached() > 0) {
            line.writeNumberField("cached_tokens", u.cached());
        }
        if (u.cacheWrite() > 0) {
            line.writeNumberField("cache_write_tokens", u.cacheWrite());
        }
        if (u.reasoning() > 0) {
            line.writeNumberField("reasoning_tokens", u.reasoning());
        }
    }

    private static void timing(JsonGenerator line, ChatCall call, CallOutcome o) throws IOException {
        if (o.stream()) {
            line.writeNumberField("chunks", o.chunks());
            if (o.firstChunkNanos() > 0) {
                line.writeNumberField("ttft_ms", millis(o.firstChunkNanos() - call.startNanos()));
            }
        }
        line.writeNumberField("latency_ms", millis(o.endNanos() - call.startNanos()));
    }

    private void bodies(JsonGenerator line, ChatCall call) throws IOException {
        if (call.raw() != null) {
            line.writeFieldName("request_body");
            line.writeTree(redactor.redact(call.raw()));
        }
        if (call.response() != null) {
            line.writeFieldName("response_body");
            line.writeTree(redactor.redact(call.response()));
        }
    }

    /**
     * {@code t.toString()} (ISO-8601, UTC, the fraction in groups of three digits, none when zero), with the date
     * and time of day formatted once per second: {@code Instant.toString} goes through a {@code DateTimeFormatter}
     * for every line.
     */
    static String timestamp(Instant t) {
        Second s = second;
        if (s.epochSecond != t.getEpochSecond()) {
            s = new Second(t.getEpochSecond(), Instant.ofEpochSecond(t.getEpochSecond()).toString());
            second = s;
        }
        int nanos = t.getNano();
        if (nanos == 0) {
            return s.text;
        }
        StringBuilder b = new StringBuilder(30).append(s.text, 0, s.text.length() - 1).append('.');
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
        String v = Integer.toString(value);
        for (int i = v.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(v).append('Z').toString();
    }

    /** A whole second as {@code Instant.toString} writes it ({@code 2026-12-06T23:29:35Z}). */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second second = new Second(Long.MIN_VALUE, "");

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
