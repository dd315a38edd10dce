package dev.caravan.routing;

import org.apache.camel.Exchange;

import dev.caravan.gateway.ChatCall;

/**
 * Tries the cheapest deployment first, by the estimated cost of this call (prompt estimate × input price + output
 * cap × output price), among deployments whose {@code quality} reaches the floor; deployments below the floor are
 * left out, deployments without a known price go last. The floor is the header {@value #FLOOR_HEADER} (set it in
 * the chain route before the {@code loadBalance}), or {@link #setQualityFloor}.
 */
public class LowestCostLoadBalancer extends ChainLoadBalancer {

    public static final String FLOOR_HEADER = "CaravanQualityFloor";

    /** Output tokens assumed when the request sets no cap. */
    static final int DEFAULT_OUTPUT = 1024;

    private int qualityFloor;

    public void setQualityFloor(int qualityFloor) {
        this.qualityFloor = qualityFloor;
    }

    @Override
    protected int[] order(Exchange exchange, ChatCall call, Deployment[] deployments) {
        Integer floor = exchange.getMessage().getHeader(FLOOR_HEADER, Integer.class);
        return order(call, deployments, floor == null ? qualityFloor : floor);
    }

    int[] order(ChatCall call, Deployment[] deployments, int floor) {
        long prompt = Math.max(0, call.promptTokens());
        Integer cap = call.request().outputCap();
        long output = cap == null ? DEFAULT_OUTPUT : cap;
        int[] sorted = sortedBy(deployments.length, i -> deployments[i].price()
                .map(p -> (prompt * p.input() + output * p.output()) / 1_000_000.0).orElse(Double.MAX_VALUE));
        return java.util.Arrays.stream(sorted).filter(i -> deployments[i].quality() >= floor).toArray();
    }
}
