package dev.caravan.routing;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;

import dev.caravan.gateway.ChatCall;

/**
 * Splits traffic by the deployments' {@code weight} (3 and 1 → 75 % / 25 %), and fails over to the others, the
 * heavier first, when the chosen one cannot answer.
 */
public class WeightedLoadBalancer extends ChainLoadBalancer {

    @Override
    protected int[] order(Exchange exchange, ChatCall call, Deployment[] deployments) {
        double total = 0;
        for (Deployment d : deployments) {
            total += Math.max(0, d.weight());
        }
        int first = 0;
        if (total > 0) {
            double r = ThreadLocalRandom.current().nextDouble(total);
            for (int i = 0; i < deployments.length; i++) {
                r -= Math.max(0, deployments[i].weight());
                if (r < 0) {
                    first = i;
                    break;
                }
            }
        }
        int chosen = first;
        int[] rest = sortedBy(deployments.length, i -> i == chosen ? Double.NEGATIVE_INFINITY : -deployments[i].weight());
        return rest;
    }
}
