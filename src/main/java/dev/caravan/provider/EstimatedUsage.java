package dev.caravan.provider;

/**
 * Attached to a call ({@code call.attach(EstimatedUsage.class, ...)}) when the provider reported no token usage and
 * the translator estimated it (e.g. Gemini embeddings): the call is priced on the estimate and flagged
 * ({@code usage.cost_details.estimated}, the ledger's {@code usage_estimated}).
 */
public record EstimatedUsage(long promptTokens) {
}
