package dev.caravan.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.money.MoneyMetrics;

/**
 * The ledger's way in and out. {@link #append} adds a row to an in-memory buffer (never waiting, never waking a
 * thread); every {@code feedMs} the buffered rows go as one message to {@code seda:caravan.ledger}, where route
 * {@code ledger.batch} (routes/ledger.camel.yaml) aggregates them into batches of {@code caravan.ledger.batch-size}
 * rows or every {@code caravan.ledger.flush-ms} minus {@code feedMs}, and hands each batch to {@link #process},
 * which inserts it with JDBC, retrying, and appends it to a fallback file of JSON lines when the database stays
 * unavailable. A row therefore reaches the database at most {@code flush-ms} after its call ended. Handing rows
 * over in groups keeps the per-call cost to a queue insert: one seda message per call would wake the consumer
 * and the aggregator for every call.
 *
 * <p>On a graceful stop the route drains the queue; the buffer and whatever is still queued after the route
 * stopped, or arrives later (streams ending during shutdown), is written directly.
 *
 * <p>With {@code caravan.ledger.durability=sync} rows go through {@link #commit} instead: committed by a
 * {@link GroupCommit} (rows waiting at the same moment share one transaction), and the call's reply ends only when
 * the returned future completes.
 */
public final class Ledger extends ServiceSupport implements Processor {

    public static final String ROUTE_ID = "ledger.batch";

    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    private static final int ATTEMPTS = 3;

    private final CamelContext ctx;
    private final LedgerWriter writer;
    private final Path fallback;
    private final MoneyMetrics metrics;
    private final long feedMs;
    private final boolean sync;
    private final int batchSize;
    private volatile GroupCommit group;
    private final ConcurrentLinkedQueue<LedgerRow> buffer = new ConcurrentLinkedQueue<>();
    /** Rows appended and not yet written (to the database or the fallback file). */
    private final java.util.concurrent.atomic.LongAdder pending = new java.util.concurrent.atomic.LongAdder();
    private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-ledger-feed");
        t.setDaemon(true);
        return t;
    });
    private volatile Endpoint endpoint;
    private volatile ProducerTemplate template;

    public Ledger(CamelContext ctx, LedgerWriter writer, Path fallback, MoneyMetrics metrics, long feedMs) {
        this(ctx, writer, fallback, metrics, feedMs, false, 500);
    }

    /** {@code sync}: rows are committed one group at a time, by {@link #commit}, at most {@code batchSize} a group. */
    public Ledger(CamelContext ctx, LedgerWriter writer, Path fallback, MoneyMetrics metrics, long feedMs,
            boolean sync, int batchSize) {
        this.sync = sync;
        this.batchSize = batchSize;
        this.ctx = ctx;
        this.writer = writer;
        this.fallback = fallback;
        this.metrics = metrics;
        this.feedMs = feedMs;
    }

    /** Buffers a row for the next hand-over; writes it at once when the ledger is not running (shutdown). */
    public void append(LedgerRow row) {
        pending.increment();
        if (!isStarted()) {
            writeNow(List.of(row));
            return;
        }
        buffer.add(row);
        metrics.ledgerQueued.increment();
    }

    /** True with {@code caravan.ledger.durability=sync}: rows are given to {@link #commit}, not {@link #append}. */
    public boolean isSync() {
        return sync;
    }

    /**
     * Commits a row and completes when it is in the database (or, when the database refuses it, in the fallback
     * file). Never waits: the write happens on the ledger's commit thread, which completes the future.
     */
    public CompletableFuture<Void> commit(LedgerRow row) {
        pending.increment();
        metrics.ledgerQueued.increment();
        GroupCommit g = group;
        if (g == null || !isStarted()) {
            writeNow(List.of(row));
            return CompletableFuture.completedFuture(null);
        }
        return g.commit(row);
    }

    @Override
    protected void doStart() {
        if (sync) {
            group = new GroupCommit(this::writeNow, batchSize);
        }
        feeder.scheduleWithFixedDelay(this::feed, feedMs, feedMs, TimeUnit.MILLISECONDS);
    }

    /** Hands the buffered rows to the ledger route as one message. */
    private void feed() {
        List<LedgerRow> rows = drainBuffer();
        if (rows.isEmpty()) {
            return;
        }
        if (!queueing()) {
            writeNow(rows);
            return;
        }
        try {
            template.sendBody(endpoint, rows);
        } catch (RuntimeException e) {
            LOG.warn("ledger queue refused {} rows ({}); writing them directly", rows.size(), e.getMessage());
            writeNow(rows);
        }
    }

    private List<LedgerRow> drainBuffer() {
        List<LedgerRow> rows = new ArrayList<>();
        LedgerRow r;
        while ((r = buffer.poll()) != null) {
            rows.add(r);
        }
        return rows;
    }

    private boolean queueing() {
        ServiceStatus s = ctx.getRouteController().getRouteStatus(ROUTE_ID);
        if (s == null || !s.isStarted()) {
            return false;
        }
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    Route r = ctx.getRoute(ROUTE_ID);
                    endpoint = r.getEndpoint();
                    template = ctx.createProducerTemplate();
                }
            }
        }
        return true;
    }

    /** The batch step of route {@code ledger.batch}: the body is the list of rows. */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        writeNow(exchange.getMessage().getBody(List.class));
    }

    /** Rows waiting to be written: in the buffer, in the queue, in a batch being aggregated or written. */
    public long pending() {
        return Math.max(0, pending.sum());
    }

    /** Writes rows now, retrying; rows the database refuses go to the fallback file. */
    public void writeNow(List<LedgerRow> rows) {
        try {
            write(rows);
        } finally {
            pending.add(-rows.size());
        }
    }

    private void write(List<LedgerRow> rows) {
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                writer.write(rows);
                metrics.ledgerWritten.add(rows.size());
                return;
            } catch (Exception e) {
                last = e;
                sleep(attempt * 200L);
            }
        }
        metrics.ledgerFailedBatches.increment();
        LOG.error("ledger: {} rows could not be written ({}); appended to {}", rows.size(), last, fallback);
        appendToFallback(rows);
    }

    private synchronized void appendToFallback(List<LedgerRow> rows) {
        try {
            Files.createDirectories(fallback.toAbsolutePath().getParent());
            StringBuilder sb = new StringBuilder();
            for (LedgerRow r : rows) {
                sb.append(Json.MAPPER.writeValueAsString(r)).append('\n');
            }
            Files.writeString(fallback, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.error("ledger: {} rows lost, the fallback file failed too: {}", rows.size(), e.toString());
        }
    }

    /** Called when the routes have stopped: writes the buffer and whatever the queue still holds. */
    @Override
    @SuppressWarnings("unchecked")
    protected void doStop() {
        GroupCommit g = group;
        if (g != null) {
            g.stop();
        }
        feeder.shutdown();
        try {
            feeder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LedgerRow> left = new ArrayList<>();
        if (endpoint instanceof SedaEndpoint seda) {
            List<Exchange> exchanges = new ArrayList<>();
            seda.getQueue().drainTo(exchanges);
            exchanges.forEach(e -> left.addAll(e.getMessage().getBody(List.class)));
        }
        left.addAll(drainBuffer());
        if (!left.isEmpty()) {
            LOG.info("ledger: writing {} rows still pending at shutdown", left.size());
            writeNow(left);
        }
        if (template != null) {
            try {
                template.stop();
            } catch (Exception e) {
                LOG.debug("producer template stop: {}", e.toString());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
