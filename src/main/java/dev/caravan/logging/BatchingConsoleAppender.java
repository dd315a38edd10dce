package dev.caravan.logging;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

/**
 * Writes log events to standard output from its own thread, in batches: the logging thread only queues the event;
 * the writer thread wakes at most once every {@code batchMillis} (default 20) while events keep coming, encodes
 * everything queued and writes it with one call. The access log uses it: with logback's {@code AsyncAppender}
 * every request woke the writer thread and cost one {@code write} of its own, which on a busy core is a context
 * switch per request.
 *
 * <p>Never blocks the logging thread: when {@code queueSize} events (default 8192) are waiting, new ones are
 * dropped, counted, and reported by a WARN line on this class's logger once the writer catches up. A line is on
 * stdout at most {@code batchMillis} after it was logged while lines keep coming (an idle appender writes the next
 * line at once); {@link #stop()} writes everything still queued. Once the JVM begins to shut down (a signal, the
 * end of {@code main}), the writer stops waiting between batches and writes each line as it comes, as logback's
 * {@code AsyncAppender} does, so the lines of the requests finishing during a graceful stop are not left in the
 * queue when the JVM exits. Goes through {@code System.out}, so lines of other appenders on stdout are never cut
 * into.
 */
public class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    public static final int DEFAULT_QUEUE_SIZE = 8192;
    public static final int DEFAULT_BATCH_MILLIS = 20;
    /** Bytes written per call at most (a large batch goes out in pieces of about this size). */
    static final int MAX_WRITE = 64 * 1024;
    private static final long STOP_WAIT_MILLIS = 1000;

    private Encoder<ILoggingEvent> encoder;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int batchMillis = DEFAULT_BATCH_MILLIS;

    private BlockingQueue<ILoggingEvent> queue;
    private Thread writer;
    private Thread shutdownHook;
    /** Set when the JVM begins to shut down: no more waiting between batches. */
    private volatile boolean immediate;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    /** Lines written so far (by the writer, or by stop() once the writer has ended). */
    private final AtomicLong written = new AtomicLong();
    private final Bytes buffer = new Bytes();

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public int getQueueSize() {
        return queueSize;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public int getBatchMillis() {
        return batchMillis;
    }

    public void setBatchMillis(int batchMillis) {
        this.batchMillis = batchMillis;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (encoder == null) {
            addError("No encoder set for the appender named [" + name + "].");
            return;
        }
        if (queueSize < 1 || batchMillis < 0) {
            addError("Appender [" + name + "]: queueSize must be at least 1 and batchMillis at least 0");
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        writer = new Thread(this::run, "caravan-log-writer-" + name);
        writer.setDaemon(true);
        shutdownHook = new Thread(this::shutdownBegan, "caravan-log-writer-" + name + "-shutdown");
        super.start();
        writer.start();
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            immediate = true; // already shutting down
        }
    }

    /** The JVM is shutting down: write each line as it comes, and what is queued now before the hook returns. */
    void shutdownBegan() {
        immediate = true;
        LockSupport.unpark(writer);
        long target = accepted.get();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        while (written.get() < target && writer.isAlive() && System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // stopped from within the shutdown: the hook runs or has run
        }
        writer.interrupt();
        try {
            writer.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("Appender [" + name + "]: the writer did not finish within " + STOP_WAIT_MILLIS + " ms; "
                    + queue.size() + " queued lines not written");
            return;
        }
        List<ILoggingEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        write(rest);
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        if (queue.offer(event)) {
            accepted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /**
     * The writer: waits for an event, writes what is queued, then waits {@code batchMillis}, so that while events
     * keep coming it wakes once per interval however many arrive, and the loggers' offers wake nobody.
     */
    private void run() {
        List<ILoggingEvent> batch = new ArrayList<>();
        try {
            while (isStarted()) {
                batch.add(queue.take());
                queue.drainTo(batch);
                write(batch);
                batch.clear();
                if (batchMillis > 0 && !immediate) {
                    // returns early on stop() (interrupt) and at shutdown (unpark)
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(batchMillis));
                }
            }
        } catch (InterruptedException e) {
            // stop(): it writes what is still queued once this thread has ended
        }
    }

    private void write(List<ILoggingEvent> batch) {
        for (ILoggingEvent event : batch) {
            try {
                buffer.writeBytes(encoder.encode(event));
            } catch (RuntimeException e) {
                addError("Appender [" + name + "]: could not encode an event", e);
            }
            if (buffer.size() >= MAX_WRITE) {
                flush();
            }
        }
        flush();
        written.addAndGet(batch.size());
        long lost = dropped.getAndSet(0);
        if (lost > 0 && getContext() instanceof LoggerContext ctx) {
            ctx.getLogger(BatchingConsoleAppender.class).warn(
                    "{} lines of appender {} dropped: {} were already waiting to be written", lost, name, queueSize);
        }
    }

    private void flush() {
        if (buffer.size() == 0) {
            return;
        }
        PrintStream out = System.out;
        buffer.writeTo(out);
        out.flush();
        buffer.reset();
    }

    /** A byte buffer written out without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(16 * 1024);
        }

        void writeTo(PrintStream out) {
            out.write(buf, 0, count);
        }

        @Override
        public void reset() {
            super.reset();
            if (buf.length > 4 * MAX_WRITE) {
                buf = new byte[16 * 1024]; // after a line far longer than usual, do not keep its buffer
            }
        }
    }
}
