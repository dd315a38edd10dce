package dev.caravan.routing;

/** A deployment as JMX (and so Hawtio) shows it: breaker state and counters, latency, weight. */
public interface DeploymentMXBean {

    String getId();

    String getProvider();

    String getModel();

    /** CLOSED, OPEN, HALF_OPEN, ... */
    String getState();

    float getFailureRate();

    float getSlowCallRate();

    int getBufferedCalls();

    int getFailedCalls();

    long getNotPermittedCalls();

    double getLatencyEwmaMillis();

    double getWeight();

    /** Closes the breaker and clears its statistics. */
    void resetBreaker();
}
