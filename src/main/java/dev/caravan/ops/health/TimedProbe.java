package dev.caravan.ops.health;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A readiness probe that answers within a bound: the wrapped probe (which may block, e.g. borrowing a database
 * connection) runs on its own daemon thread; a caller that waits longer than {@code timeoutMs} is told the
 * dependency did not answer in time. While one probe is running, callers share it instead of starting more.
 */
public final class TimedProbe implements Callable<String> {

    private final String what;
    private final Callable<String> probe;
    private final long timeoutMs;
    private final ExecutorService thread;
    private CompletableFuture<String> running;

    public TimedProbe(String what, Callable<String> probe, long timeoutMs) {
        this.what = what;
        this.probe = probe;
        this.timeoutMs = timeoutMs;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "caravan-probe-" + what);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String call() throws InterruptedException {
        CompletableFuture<String> f;
        synchronized (this) {
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(() -> {
                    try {
                        return probe.call();
                    } catch (Exception e) {
                        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    }
                }, thread);
            }
            f = running;
        }
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return what + " did not answer within " + timeoutMs + " ms";
        } catch (ExecutionException e) {
            return what + ": " + e.getCause();
        }
    }

    public void close() {
        thread.shutdownNow();
    }
}
