package dev.caravan.gateway;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: {@code req_} and 32 random hex digits. */
public final class RequestIds {

    private RequestIds() {
    }

    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
