package dev.caravan.routing;

import dev.caravan.gateway.ChatCall;

/**
 * Tries the cheapest deployment first, by the estimated cost of this call (prompt estimate × input price + output
 * cap × output price), among deployments whose {@code quality} reaches {@link #setQualityFloor}; deployments below
 * the floor are left out, deployments without a known price go last.
 */
public class LowestCostLoadBalancer extends ChainLoadBalancer {

    /** Output tokens assumed when the request sets no cap. */
    static final int DEFAULT_OUTPUT = 1024;

    private int qualityFloor;

    public void setQualityFloor(int qualityFloor) {
        this.qualityFloor = qualityFloor;
    }

    @Override
    protected int[] order(ChatCall call, Deployment[] deployments) {
        long prompt = Math.max(0, call.promptTokens());
        Integer cap = call.request().outputCap();
        long output = cap == null ? DEFAULT_OUTPUT : cap;
        int[] sorted = sortedBy(deployments.length, i -> deployments[i].price()
                .map(p -> (prompt * p.input() + output * p.output()) / 1_000_000.0).orElse(Double.MAX_VALUE));
        return java.util.Arrays.stream(sorted).filter(i -> deployments[i].quality() >= qualityFloor).toArray();
    }
}
