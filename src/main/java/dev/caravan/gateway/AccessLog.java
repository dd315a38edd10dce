package dev.caravan.gateway;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.provider.StreamOutcome;

/**
 * One JSON line per request on the logger {@code caravan.access} (route it anywhere with logback). Holds ids,
 * model, provider, status, tokens and timings; never a key, a header or a body.
 */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.access");

    private AccessLog() {
    }

    public static void request(ChatCall call, int status, Usage usage, String error) {
        if (!LOG.isInfoEnabled() || call == null) {
            return;
        }
        ObjectNode line = base(call, status);
        line.put("stream", false);
        usage(line, usage);
        line.put("latency_ms", millis(System.nanoTime() - call.startNanos()));
        if (error != null) {
            line.put("error", error);
        }
        LOG.info(line.toString());
    }

    public static void stream(ChatCall call, StreamOutcome o) {
        if (!LOG.isInfoEnabled() || call == null) {
            return;
        }
        ObjectNode line = base(call, 200);
        line.put("stream", true);
        line.put("result", o.result());
        line.put("chunks", o.chunks());
        usage(line, o.usage());
        if (o.firstChunkNanos() > 0) {
            line.put("ttft_ms", millis(o.firstChunkNanos() - call.startNanos()));
        }
        line.put("latency_ms", millis(o.endNanos() - call.startNanos()));
        if (o.error() != null) {
            line.put("error", o.error());
        }
        LOG.info(line.toString());
    }

    private static ObjectNode base(ChatCall call, int status) {
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
        line.put("status", status);
        return line;
    }

    private static void usage(ObjectNode line, Usage u) {
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
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
