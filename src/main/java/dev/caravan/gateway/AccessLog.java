package dev.caravan.gateway;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

/**
 * One JSON line per request on the logger {@code caravan.access} (route it anywhere with logback). Holds ids,
 * model, provider, status, tokens and timings; never a key, a header or a body.
 */
public final class AccessLog implements CallListener {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.access");

    @Override
    public void completed(ChatCall call, CallOutcome o) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
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
        line.put("status", o.status());
        line.put("stream", o.stream());
        line.put("result", o.result());
        Usage u = o.usage();
        if (u != null) {
            line.put("prompt_tokens", u.prompt());
            line.put("completion_tokens", u.completion());
            if (u.cached() > 0) {
                line.put("cached_tokens", u.cached());
            }
            if (u.reasoning() > 0) {
                line.put("reasoning_tokens", u.reasoning());
            }
        }
        if (o.stream()) {
            line.put("chunks", o.chunks());
            if (o.firstChunkNanos() > 0) {
                line.put("ttft_ms", millis(o.firstChunkNanos() - call.startNanos()));
            }
        }
        line.put("latency_ms", millis(o.endNanos() - call.startNanos()));
        if (o.errorCode() != null) {
            line.put("error", o.errorCode());
        }
        LOG.info(line.toString());
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
