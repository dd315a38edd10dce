package dev.caravan.guardrail;

/** One match in a text: {@code [start, end)} and the label that replaces it when masking (e.g. {@code EMAIL}). */
public record Finding(int start, int end, String label) {
}
