package dev.caravan.routing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.caravan.catalog.Cost;
import dev.caravan.catalog.PriceCatalog;
import dev.caravan.catalog.Pricing;
import dev.caravan.catalog.TokenCounts;

/**
 * Who a routing file would send one call to, worked out without calling anyone ({@link RoutingFile#resolve}), and
 * what that would cost for a call's recorded tokens at the price catalog's rates:
 * <ul>
 * <li>{@link Leaf}: one deployment (or a provider route), at its catalog price;</li>
 * <li>{@link Weighted}: a weighted chain, or Camel's round-robin / random / weighted balancers: the expected
 * cost, the options' costs averaged by their weights;</li>
 * <li>{@link Cheapest}: a lowest-cost chain: the cheapest option for these tokens among those reaching the quality
 * floor;</li>
 * <li>{@link Unroutable}: the file has no way to answer (no branch matches, an unknown deployment or route, a model
 * id without a provider).</li>
 * </ul>
 * Ordered failover and least-latency chains resolve to their first deployment (every deployment healthy, no
 * latency history).
 */
public sealed interface RoutePlan {

    /** The cost of a call with these tokens, null when a deployment on the way has no price. */
    BigDecimal cost(PriceCatalog catalog, TokenCounts tokens, Instant at);

    /** Short description for reports: {@code llama-70b}, {@code weighted(a 3, b 1)}, {@code cheapest(a, b)}. */
    String describe();

    record Leaf(String deployment, String provider, String model, double weight, int quality) implements RoutePlan {
        @Override
        public BigDecimal cost(PriceCatalog catalog, TokenCounts tokens, Instant at) {
            return catalog.priced(provider, model).map(m -> Pricing.cost(m, tokens, at)).map(Cost::total)
                    .orElse(null);
        }

        @Override
        public String describe() {
            return deployment != null ? deployment : provider + "/" + model;
        }
    }

    record Weighted(List<RoutePlan> options, List<Double> weights) implements RoutePlan {
        @Override
        public BigDecimal cost(PriceCatalog catalog, TokenCounts tokens, Instant at) {
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal total = BigDecimal.ZERO;
            for (int i = 0; i < options.size(); i++) {
                BigDecimal w = BigDecimal.valueOf(weights.get(i));
                if (w.signum() <= 0) {
                    continue;
                }
                BigDecimal c = options.get(i).cost(catalog, tokens, at);
                if (c == null) {
                    return null;
                }
                sum = sum.add(c.multiply(w));
                total = total.add(w);
            }
            return total.signum() == 0 ? null : sum.divide(total, Cost.SCALE, RoundingMode.HALF_EVEN);
        }

        @Override
        public String describe() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                parts.add(options.get(i).describe() + " " + BigDecimal.valueOf(weights.get(i)).stripTrailingZeros()
                        .toPlainString());
            }
            return "weighted(" + String.join(", ", parts) + ")";
        }
    }

    record Cheapest(List<RoutePlan> options) implements RoutePlan {
        @Override
        public BigDecimal cost(PriceCatalog catalog, TokenCounts tokens, Instant at) {
            BigDecimal best = null;
            for (RoutePlan p : options) {
                BigDecimal c = p.cost(catalog, tokens, at);
                if (c != null && (best == null || c.compareTo(best) < 0)) {
                    best = c;
                }
            }
            return best;
        }

        @Override
        public String describe() {
            return "cheapest(" + options.stream().map(RoutePlan::describe).collect(Collectors.joining(", ")) + ")";
        }
    }

    record Unroutable(String reason) implements RoutePlan {
        @Override
        public BigDecimal cost(PriceCatalog catalog, TokenCounts tokens, Instant at) {
            return null;
        }

        @Override
        public String describe() {
            return "unroutable: " + reason;
        }
    }
}
