package dev.caravan.gateway;

/**
 * One try of one deployment: which, how it ended and how long it took.
 *
 * @param outcome {@code ok}, {@code client_error}, an upstream status ({@code 429}, {@code 503}, ...),
 *                {@code timeout}, {@code connection}, {@code breaker_open}, {@code skipped:<why>}
 */
public record Attempt(String deployment, String outcome, long millis) {
}
