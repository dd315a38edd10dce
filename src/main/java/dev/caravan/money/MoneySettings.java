package dev.caravan.money;

/**
 * Settings of the money path ({@code caravan.pricing.*}, {@code caravan.budget.*}, {@code caravan.limits.*}).
 *
 * @param requireKnown      refuse models without a price (400) instead of serving them with cost null
 * @param defaultMaxOutput  output tokens assumed for a budget reservation when neither the request nor the catalog
 *                          gives a limit
 * @param tpmOutputEstimate output tokens counted against TPM up front when the request sets no max_tokens
 * @param alertThresholds   percentages of a budget that trigger an alert
 */
public record MoneySettings(boolean requireKnown, int defaultMaxOutput, int tpmOutputEstimate,
        int[] alertThresholds) {
}
