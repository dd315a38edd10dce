package dev.caravan.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code caravan.ledger.durability=sync}: rows that must be committed before their call's reply ends. One thread
 * takes whatever rows are waiting (up to {@code maxBatch}), writes them in one transaction and completes their
 * futures; rows that arrive while it writes form the next group. Under concurrency many calls share one commit,
 * with no timer: a lone call's row is committed at once.
 *
 * <p>The futures complete on this thread once the rows are in the database, or in the fallback file when the
 * database refused them: the write never fails a call. Whoever waits must not do heavy work in the completion.
 */
final class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private record Waiting(LedgerRow row, CompletableFuture<Void> done) {
    }

    private final LinkedBlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<LedgerRow>> write;
    private final int maxBatch;
    private final Thread thread;
    private volatile boolean running = true;

    /** {@code write} stores the rows (retrying, then the fallback file) and never throws. */
    GroupCommit(Consumer<List<LedgerRow>> write, int maxBatch) {
        this.write = write;
        this.maxBatch = Math.max(1, maxBatch);
        this.thread = new Thread(this::run, "caravan-ledger-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Completes when the row is committed. */
    CompletableFuture<Void> commit(LedgerRow row) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            write.accept(List.of(row));
            done.complete(null);
            return done;
        }
        Waiting w = new Waiting(row, done);
        queue.add(w);
        if (!running && queue.remove(w)) {
            // stopped meanwhile, and nobody took it
            commitGroup(new ArrayList<>(List.of(w)));
        }
        return done;
    }

    private void run() {
        List<Waiting> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Waiting first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxBatch - 1);
                commitGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("ledger: group commit failed: {}", e.toString());
            } finally {
                group.clear();
            }
        }
    }

    private void commitGroup(List<Waiting> group) {
        List<LedgerRow> rows = new ArrayList<>(group.size());
        for (Waiting w : group) {
            rows.add(w.row());
        }
        try {
            write.accept(rows);
        } finally {
            for (Waiting w : group) {
                w.done().complete(null);
            }
        }
    }

    /** Commits what is waiting, then stops the thread; later rows are written by the caller's thread. */
    void stop() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Waiting> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            commitGroup(left);
        }
    }
}
