package dev.caravan.guardrail;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.gateway.ChatCall;

/** The guardrail verdicts of one call, in order ({@code pii=mask, deny=allow}): the access log's {@code guardrails}. */
public final class GuardrailTrace {

    private final List<String> entries = new ArrayList<>(2);

    static GuardrailTrace of(ChatCall call) {
        synchronized (call) {
            GuardrailTrace t = call.attachment(GuardrailTrace.class);
            if (t == null) {
                t = new GuardrailTrace();
                call.attach(GuardrailTrace.class, t);
            }
            return t;
        }
    }

    synchronized void add(String guardrail, Verdict v) {
        entries.add(guardrail + "=" + v.label());
    }

    @Override
    public synchronized String toString() {
        return String.join(", ", entries);
    }
}
