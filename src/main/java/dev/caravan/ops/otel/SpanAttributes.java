package dev.caravan.ops.otel;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.gateway.CallFacts;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;

/** The attributes a finished call puts on its spans, read from the call the way the access log reads it. */
final class SpanAttributes {

    private SpanAttributes() {
    }

    /**
     * What the reply says: model, id, finish reasons (from the stream's chunks, or the JSON reply), usage. Set on
     * the server span and on the attempt that answered.
     */
    static Attributes response(CallSpan cs, JsonNode body, boolean stream, String responseModel, Usage usage) {
        AttributesBuilder a = Attributes.builder();
        put(a, GenAi.RESPONSE_MODEL, responseModel);
        put(a, GenAi.RESPONSE_ID, cs.responseId() != null ? cs.responseId() : body != null ? text(body, "id") : null);
        List<String> reasons = stream ? cs.finishReasons() : finishReasons(body);
        if (!reasons.isEmpty()) {
            a.put(GenAi.FINISH_REASONS, reasons);
        }
        if (usage != null) {
            a.put(GenAi.INPUT_TOKENS, usage.prompt());
            a.put(GenAi.OUTPUT_TOKENS, usage.completion());
            if (usage.cached() > 0) {
                a.put(GenAi.CACHE_READ_TOKENS, usage.cached());
            }
            if (usage.cacheWrite() > 0) {
                a.put(GenAi.CACHE_CREATION_TOKENS, usage.cacheWrite());
            }
        }
        return a.build();
    }

    /** What the server span knows about the request and how it ended. */
    static Attributes server(ChatCall call, CallOutcome o, String op, String requestModel, String errorType) {
        AttributesBuilder a = Attributes.builder();
        if (op != null) {
            a.put(GenAi.OPERATION, op);
            put(a, GenAi.PROVIDER, GenAi.provider(call.provider()));
            put(a, GenAi.REQUEST_MODEL, requestModel);
        }
        put(a, GenAi.ENDPOINT, call.endpoint());
        a.put(GenAi.HTTP_STATUS, (long) o.status());
        a.put(GenAi.STREAM, o.stream());
        put(a, GenAi.RESULT, o.result());
        put(a, GenAi.ERROR_TYPE, errorType);
        Principal p = call.principal();
        if (p != null) {
            put(a, GenAi.KEY_ID, p.keyId());
            put(a, GenAi.TENANT, p.tenant());
        }
        put(a, GenAi.DEPLOYMENT, CallFacts.deployment(call));
        a.put(GenAi.ATTEMPTS, (long) CallFacts.attempts(call));
        Double cost = CallFacts.cost(call, o);
        if (cost != null) {
            a.put(GenAi.COST, cost);
        }
        if (o.stream() && o.firstChunkNanos() > 0) {
            a.put(GenAi.TTFT, (o.firstChunkNanos() - call.startNanos()) / 1e9);
        }
        if (call.request() != null) {
            Integer max = call.request().outputCap();
            if (max != null) {
                a.put(GenAi.MAX_TOKENS, (long) max);
            }
            if (call.request().temperature() != null) {
                a.put(GenAi.TEMPERATURE, call.request().temperature());
            }
        }
        return a.build();
    }

    /** {@code error.type}: the error code sent, else the status; null for a call that succeeded. */
    static String errorType(CallOutcome o) {
        if (o.status() >= 400) {
            return o.errorCode() != null ? o.errorCode() : Integer.toString(o.status());
        }
        if ("error".equals(o.result())) {
            return o.errorCode() != null ? o.errorCode() : "stream_error";
        }
        return null;
    }

    /** Finish reasons of a reply: Chat Completions' choices, or an Anthropic message's {@code stop_reason}. */
    static List<String> finishReasons(JsonNode body) {
        if (body == null) {
            return List.of();
        }
        JsonNode stop = body.get("stop_reason");
        if (stop != null && stop.isTextual()) {
            return List.of(stop.asText());
        }
        JsonNode choices = body.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return List.of();
        }
        ArrayList<String> out = new ArrayList<>(choices.size());
        for (JsonNode c : choices) {
            JsonNode r = c.get("finish_reason");
            if (r != null && r.isTextual() && !out.contains(r.asText())) {
                out.add(r.asText());
            }
        }
        return out;
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static <T> void put(AttributesBuilder a, AttributeKey<T> k, T v) {
        if (v != null) {
            a.put(k, v);
        }
    }
}
