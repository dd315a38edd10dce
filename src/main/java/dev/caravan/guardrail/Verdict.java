package dev.caravan.guardrail;

/** What a guardrail decided about one request or answer; the label of {@code caravan_guardrail_verdicts_total}. */
public enum Verdict {
    ALLOW, MASK, BLOCK, ERROR;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
