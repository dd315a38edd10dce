package dev.caravan.ledger;

import java.math.BigDecimal;

/**
 * One API call in the ledger.
 *
 * @param tsMillis       when the call ended (epoch ms, UTC)
 * @param modelRequested the model id the client sent
 * @param modelUsed      the model the provider was asked for
 * @param deployment     what answered ({@code provider/model} until deployments have their own names)
 * @param attempts       the decision trace, comma-separated
 * @param costUsd        null when the model has no price (never 0 for unknown)
 * @param savedUsd       for a response-cache hit: what the answer cost when first produced
 * @param usageEstimated the provider sent no usage (a stream cut short): tokens are estimated
 * @param endpoint       the API the client called: chat, embeddings, messages, responses
 * @param outcome        {@code ok}, {@code error} or {@code client_closed}
 */
public record LedgerRow(String requestId, long tsMillis, String keyId, String tenant, String tags,
        String modelRequested, String provider, String modelUsed, String deployment, String attempts,
        long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens, long reasoningTokens,
        BigDecimal costUsd, BigDecimal savedUsd, boolean usageEstimated, boolean cacheHit, int status,
        String outcome, String errorCode, boolean stream, int latencyMs, Integer ttftMs, String endpoint) {
}
