package dev.caravan.routing;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;

import dev.caravan.gateway.ChatCall;

/**
 * Sends each call to the deployment with the lowest recent latency (moving average of the whole reply, or of the
 * first chunk for streams), then the next fastest on failure. Deployments with fewer than {@link #WARMUP} samples
 * go first so that every one gets measured, and {@link #EXPLORE} of the calls take a random order so that a
 * deployment that was slow once is measured again.
 */
public class LeastLatencyLoadBalancer extends ChainLoadBalancer {

    static final int WARMUP = 3;
    static final double EXPLORE = 0.05;

    @Override
    protected int[] order(Exchange exchange, ChatCall call, Deployment[] deployments) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < EXPLORE) {
            return sortedBy(deployments.length, i -> random.nextDouble());
        }
        return sortedBy(deployments.length, i -> {
            LatencyStats s = deployments[i].latency();
            return s.samples() < WARMUP ? -1 + random.nextDouble() * 1e-3 : s.ewmaMillis();
        });
    }
}
