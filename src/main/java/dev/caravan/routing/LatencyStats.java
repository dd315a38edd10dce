package dev.caravan.routing;

/**
 * Exponentially weighted moving average of a deployment's latency (the whole reply, or the first chunk for
 * streams), for least-latency balancing. Lock-free enough: a lost update under contention only delays the
 * average by one sample.
 */
final class LatencyStats {

    static final double ALPHA = 0.2;

    private volatile double ewma = Double.NaN;
    private volatile long samples;

    void record(long millis) {
        double prev = ewma;
        ewma = Double.isNaN(prev) ? millis : prev + ALPHA * (millis - prev);
        samples++;
    }

    double ewmaMillis() {
        return Double.isNaN(ewma) ? 0 : ewma;
    }

    long samples() {
        return samples;
    }
}
