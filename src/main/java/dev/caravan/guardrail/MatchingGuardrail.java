package dev.caravan.guardrail;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.StreamEncoder;

/**
 * A guardrail that finds spans of text (patterns, words) and either masks them ({@code [LABEL]}) or rejects the
 * request or answer. Property {@code action}: {@code mask} (default) or {@code reject}; {@code streamLookBehind}:
 * characters a stream holds back so that a match split across chunks is still caught (default 64).
 */
public abstract class MatchingGuardrail extends Guardrail {

    private boolean reject;
    private int streamLookBehind = 64;

    public void setAction(String action) {
        switch (action.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "mask" -> reject = false;
            case "reject", "block" -> reject = true;
            default -> throw new IllegalArgumentException("guardrail " + getName() + ": action is mask or reject, not "
                    + action);
        }
    }

    public boolean rejects() {
        return reject;
    }

    public void setStreamLookBehind(int chars) {
        if (chars < 0) {
            throw new IllegalArgumentException("streamLookBehind must be >= 0");
        }
        this.streamLookBehind = chars;
    }

    public int streamLookBehind() {
        return streamLookBehind;
    }

    /** Findings in {@code text}, overlaps resolved, sorted by start. */
    public abstract List<Finding> find(String text);

    /** {@code text} with every finding masked. */
    public String mask(String text) {
        return Masking.mask(text, find(text));
    }

    @Override
    protected Verdict checkRequest(ChatCall call) {
        Verdict v = apply(TextSlots.chatRequest(call.raw(), roles(), toolArguments()), "request");
        if (call.clientBody() != null) {
            Verdict c = apply(TextSlots.clientBody(call.clientBody(), roles()), "request");
            v = c == Verdict.MASK ? c : v;
        }
        return v;
    }

    @Override
    protected Verdict checkAnswer(ObjectNode completion) {
        return apply(TextSlots.answer(completion), "response");
    }

    private Verdict apply(List<TextSlots.Slot> slots, String stage) {
        boolean masked = false;
        for (TextSlots.Slot s : slots) {
            String text = s.get();
            List<Finding> found = find(text);
            if (found.isEmpty()) {
                continue;
            }
            if (reject) {
                throw rejection(stage, why(found));
            }
            s.set(Masking.mask(text, found));
            masked = true;
        }
        return masked ? Verdict.MASK : Verdict.ALLOW;
    }

    /** Why a block happened, for the client: labels only, never the matched text. */
    String why(List<Finding> found) {
        return "it contains " + labels(found);
    }

    /** What was found, by label only ({@code EMAIL, PHONE}): never the matched text. */
    static String labels(List<Finding> found) {
        Set<String> l = new LinkedHashSet<>();
        found.forEach(f -> l.add(f.label()));
        return String.join(", ", l);
    }

    @Override
    protected StreamEncoder guardStream(ChatCall call, StreamEncoder encoder) {
        return new GuardedStreamEncoder(this, encoder, v -> record(call, v));
    }
}
