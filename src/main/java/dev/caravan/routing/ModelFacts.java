package dev.caravan.routing;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What routing needs to know about a model, from the price catalog: context window, capabilities, price. A
 * deployment's own parameters win; unknown facts never exclude a deployment.
 */
public interface ModelFacts {

    /** Prices in USD per million tokens. */
    record Price(double input, double output) {
    }

    OptionalLong contextWindow(String provider, String model);

    Optional<Set<String>> capabilities(String provider, String model);

    Optional<Price> price(String provider, String model);

    ModelFacts NONE = new ModelFacts() {
        @Override
        public OptionalLong contextWindow(String provider, String model) {
            return OptionalLong.empty();
        }

        @Override
        public Optional<Set<String>> capabilities(String provider, String model) {
            return Optional.empty();
        }

        @Override
        public Optional<Price> price(String provider, String model) {
            return Optional.empty();
        }
    };
}
