package dev.caravan.money;

/**
 * Counts over the last 60 seconds in one-second buckets: a sliding window accurate to a second. Not thread-safe:
 * {@link InMemoryRateLimiter} locks it.
 */
final class SlidingWindow {

    static final int SECONDS = 60;

    private final long[] counts = new long[SECONDS];
    private final long[] stamps = new long[SECONDS];

    SlidingWindow() {
        java.util.Arrays.fill(stamps, Long.MIN_VALUE);
    }

    long sum(long nowSec) {
        long s = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (live(stamps[i], nowSec)) {
                s += counts[i];
            }
        }
        return s;
    }

    void add(long nowSec, long n) {
        int i = (int) Math.floorMod(nowSec, SECONDS);
        if (stamps[i] != nowSec) {
            stamps[i] = nowSec;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    /** Corrects the count of second {@code atSec}, if it is still in the window. */
    void adjust(long atSec, long delta) {
        int i = (int) Math.floorMod(atSec, SECONDS);
        if (stamps[i] == atSec) {
            counts[i] = Math.max(0, counts[i] + delta);
        }
    }

    /** Milliseconds until at least {@code excess} of the counted amount has left the window. */
    long msUntilFreed(long nowMs, long excess) {
        long nowSec = Math.floorDiv(nowMs, 1000);
        long freed = 0;
        for (long sec = nowSec - SECONDS + 1; sec <= nowSec; sec++) {
            int i = (int) Math.floorMod(sec, SECONDS);
            if (stamps[i] == sec) {
                freed += counts[i];
                if (freed >= excess) {
                    return Math.max(1, (sec + SECONDS) * 1000 - nowMs);
                }
            }
        }
        return Math.max(1, (nowSec + SECONDS) * 1000 - nowMs);
    }

    /** Milliseconds until the window is empty. */
    long msUntilEmpty(long nowMs) {
        long nowSec = Math.floorDiv(nowMs, 1000);
        for (long sec = nowSec; sec > nowSec - SECONDS; sec--) {
            int i = (int) Math.floorMod(sec, SECONDS);
            if (stamps[i] == sec && counts[i] > 0) {
                return (sec + SECONDS) * 1000 - nowMs;
            }
        }
        return 0;
    }

    private static boolean live(long stamp, long nowSec) {
        return stamp > nowSec - SECONDS && stamp <= nowSec;
    }
}
