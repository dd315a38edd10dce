package dev.caravan.gateway;

/**
 * Asked before each attempt of a chain calls a deployment, once the provider and model that will answer are
 * known (a request for a logical model such as {@code caravan/code} does not name them). The money path uses it
 * to price and reserve budget for the model actually called.
 */
@FunctionalInterface
public interface AttemptGuard {

    /**
     * Null when the deployment may be called; otherwise why it is skipped (the chain moves on). Throws
     * {@link dev.caravan.error.ApiException} to refuse the whole request (e.g. 429 over budget).
     */
    String beforeAttempt(ChatCall call, String provider, String model);
}
