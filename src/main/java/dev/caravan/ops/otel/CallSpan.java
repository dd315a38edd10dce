package dev.caravan.ops.otel;

import java.util.ArrayList;
import java.util.List;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * The tracing state of one API call, attached to its {@code ChatCall}: the server span, and what the stream encoder
 * saw (finish reasons, the model and id the provider answered with, the streamed text when content is recorded).
 * The successful upstream attempt's client span waits here until the call ends, so that it carries the usage too.
 */
final class CallSpan {

    final Span server;
    final Context context;
    /** Whether prompts and completions are recorded (the key's rule, known once the caller is). */
    volatile boolean content;
    private final List<String> finishReasons = new ArrayList<>(1);
    private String responseModel;
    private String responseId;
    private StringBuilder output;
    private UpstreamSpan pending;

    CallSpan(Span server, Context context) {
        this.server = server;
        this.context = context;
    }

    synchronized void finishReason(String reason) {
        if (reason != null && !finishReasons.contains(reason)) {
            finishReasons.add(reason);
        }
    }

    synchronized List<String> finishReasons() {
        return List.copyOf(finishReasons);
    }

    synchronized void response(String model, String id) {
        if (model != null && !model.isEmpty()) {
            responseModel = model;
        }
        if (id != null && !id.isEmpty() && responseId == null) {
            responseId = id;
        }
    }

    synchronized String responseModel() {
        return responseModel;
    }

    synchronized String responseId() {
        return responseId;
    }

    /** Streamed text, kept only when content is recorded for the call's key; capped at {@code max} chars. */
    synchronized void output(String text, int max) {
        if (text == null || text.isEmpty()) {
            return;
        }
        if (output == null) {
            output = new StringBuilder();
        }
        if (output.length() < max) {
            output.append(text, 0, Math.min(text.length(), max - output.length()));
        }
    }

    synchronized String output() {
        return output == null ? null : output.toString();
    }

    /** The attempt that answered; an earlier one still waiting (a second upstream call) is ended first. */
    synchronized UpstreamSpan swapPending(UpstreamSpan next) {
        UpstreamSpan before = pending;
        pending = next;
        return before;
    }
}
