package dev.caravan.gateway;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
        LOG.info(line(call, o).toString());
    }

    ObjectNode line(ChatCall call, CallOutcome o) {
        ObjectNode line = Json.NODES.objectNode();
        line.put("ts", Instant.now().toString());
        line.put("request_id", call.requestId());
        line.put("endpoint", call.endpoint());
        if (call.principal() != null) {
            line.put("key_id", call.principal().keyId());
            line.put("tenant", call.principal().tenant());
        }
        if (call.request() != null) {
            line.put("model", call.request().model());
        }
        if (call.provider() != null) {
            line.put("provider", call.provider());
        }
        String deployment = CallFacts.deployment(call);
        if (deployment != null) {
            line.put("deployment", deployment);
        }
        line.put("attempts", CallFacts.attempts(call));
        if (!call.attempts().isEmpty()) {
            var trace = line.putArray("trace");
            synchronized (call.attempts()) {
                for (Attempt a : call.attempts()) {
                    trace.addObject().put("deployment", a.deployment()).put("outcome", a.outcome())
                            .put("ms", a.millis());
                }
            }
        }
        line.put("status", o.status());
        line.put("stream", o.stream());
        line.put("result", o.result());
        usage(line, CallFacts.usage(call, o));
        Double cost = CallFacts.cost(call, o);
        if (cost != null) {
            line.put("cost_usd", cost);
        }
        timing(line, call, o);
        if (o.errorCode() != null) {
            line.put("error", o.errorCode());
        }
        dev.caravan.guardrail.GuardrailTrace guardrails = call.attachment(dev.caravan.guardrail.GuardrailTrace.class);
        if (guardrails != null) {
            line.put("guardrails", guardrails.toString());
        }
        if (bodies.logBodies(call.principal())) {
            bodies(line, call);
        }
        return line;
    }

    private static void usage(ObjectNode line, Usage u) {
        if (u == null) {
            return;
        }
        line.put("prompt_tokens", u.prompt());
        line.put("completion_tokens", u.completion());
        if (u.cached() > 0) {
            line.put("cached_tokens", u.cached());
        }
        if (u.cacheWrite() > 0) {
            line.put("cache_write_tokens", u.cacheWrite());
        }
        if (u.reasoning() > 0) {
            line.put("reasoning_tokens", u.reasoning());
        }
    }

    private static void timing(ObjectNode line, ChatCall call, CallOutcome o) {
        if (o.stream()) {
            line.put("chunks", o.chunks());
            if (o.firstChunkNanos() > 0) {
                line.put("ttft_ms", millis(o.firstChunkNanos() - call.startNanos()));
            }
        }
        line.put("latency_ms", millis(o.endNanos() - call.startNanos()));
    }

    private void bodies(ObjectNode line, ChatCall call) {
        if (call.raw() != null) {
            line.set("request_body", redactor.redact(call.raw()));
        }
        if (call.response() != null) {
            line.set("response_body", redactor.redact(call.response()));
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
