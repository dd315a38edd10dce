package dev.caravan.logging;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log's appender: every line out whole and in order, what is queued while the writer is busy goes out
 * in one write, a full queue drops lines and says how many, and stopping writes what is still queued.
 */
class BatchingConsoleAppenderTest {

    private final PrintStream stdout = System.out;
    private final LoggerContext ctx = new LoggerContext();
    private final Stdout out = new Stdout();
    private Logger logger;
    private BatchingConsoleAppender appender;

    @BeforeEach
    void setUp() {
        ctx.setMDCAdapter(new LogbackMDCAdapter()); // as logback's own initialisation does
        System.setOut(out);
        logger = ctx.getLogger("caravan.access");
        logger.setAdditive(false);
    }

    @AfterEach
    void tearDown() {
        if (appender != null) {
            appender.stop();
        }
        ctx.stop();
        System.setOut(stdout);
    }

    private void start(int queueSize, int batchMillis) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender = new BatchingConsoleAppender();
        appender.setContext(ctx);
        appender.setName("ACCESS");
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.setBatchMillis(batchMillis);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        logger.addAppender(appender);
    }

    @Test
    void everyLineFromEveryThreadIsWrittenWholeAndInOrder() throws Exception {
        start(BatchingConsoleAppender.DEFAULT_QUEUE_SIZE, 1);
        int threads = 4;
        int lines = 2_000;
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < lines; i++) {
                    logger.info("{\"thread\":{},\"seq\":{}}", id, i);
                    if (i % 200 == 0) {
                        sleep(2); // let the queue drain: this test is about order, not about a full queue
                    }
                }
            });
            loggers.add(thread);
            thread.start();
        }
        for (Thread thread : loggers) {
            thread.join();
        }
        appender.stop();

        int[] next = new int[threads];
        String[] written = out.text().split("\n");
        assertThat(written).hasSize(threads * lines);
        for (String line : written) {
            assertThat(line).matches("\\{\"thread\":\\d,\"seq\":\\d+}");
            int thread = line.charAt(10) - '0';
            int seq = Integer.parseInt(line.substring(line.indexOf("seq") + 5, line.length() - 1));
            assertThat(seq).as("line of thread %d", thread).isEqualTo(next[thread]);
            next[thread]++;
        }
    }

    @Test
    void linesQueuedWhileTheWriterIsBusyGoOutInOneWrite() throws Exception {
        start(BatchingConsoleAppender.DEFAULT_QUEUE_SIZE, 1);
        logWhileTheWriterIsBusy(100);

        assertThat(out.text().split("\n")).hasSize(101).startsWith("first", "line 0").endsWith("line 99");
        assertThat(out.writes.get()).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsLinesAndSaysHowMany() throws Exception {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.setContext(ctx);
        warnings.start();
        ctx.getLogger(BatchingConsoleAppender.class).addAppender(warnings);
        start(3, 1);
        logWhileTheWriterIsBusy(10);

        assertThat(out.text().split("\n")).containsExactly("first", "line 0", "line 1", "line 2");
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("7 lines of appender ACCESS dropped: 3 were already waiting to be written");
    }

    @Test
    void stoppingWritesWhatIsStillQueued() throws Exception {
        start(BatchingConsoleAppender.DEFAULT_QUEUE_SIZE, 60_000);
        logger.info("a");
        // an idle writer writes the first line at once, then waits its interval: b and c are still queued
        for (int i = 0; i < 500 && out.text().isEmpty(); i++) {
            sleep(10);
        }
        logger.info("b");
        logger.info("c");
        appender.stop();
        assertThat(out.text()).isEqualTo("a\nb\nc\n");
        logger.info("after stop");
        assertThat(out.text()).isEqualTo("a\nb\nc\n");
    }

    @Test
    void onceTheJvmShutsDownLinesAreWrittenAsTheyCome() {
        start(BatchingConsoleAppender.DEFAULT_QUEUE_SIZE, 60_000);
        logger.info("a");
        for (int i = 0; i < 500 && out.text().isEmpty(); i++) {
            sleep(10);
        }
        logger.info("b"); // queued: the writer waits its interval
        appender.shutdownBegan(); // what the shutdown hook runs
        assertThat(out.text()).isEqualTo("a\nb\n");
        logger.info("c"); // a request finishing during the graceful stop
        for (int i = 0; i < 500 && !out.text().endsWith("c\n"); i++) {
            sleep(10);
        }
        assertThat(out.text()).isEqualTo("a\nb\nc\n");
    }

    @Test
    void withoutAnEncoderItDoesNotStart() {
        BatchingConsoleAppender a = new BatchingConsoleAppender();
        a.setContext(ctx);
        a.setName("ACCESS");
        a.start();
        assertThat(a.isStarted()).isFalse();
    }

    /** Logs "first", holds the writer in its write of it, logs "line 0".."line n-1", lets it go and stops. */
    private void logWhileTheWriterIsBusy(int n) throws InterruptedException {
        out.holdFirstWrite();
        logger.info("first");
        assertThat(out.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < n; i++) {
            logger.info("line {}", i);
        }
        out.release.countDown();
        appender.stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Standard output that counts writes and can hold the first one until released. */
    private static final class Stdout extends PrintStream {
        final AtomicInteger writes = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private volatile boolean hold;

        Stdout() {
            super(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        }

        void holdFirstWrite() {
            hold = true;
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            if (writes.incrementAndGet() == 1 && hold) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.write(buf, off, len);
        }

        synchronized String text() {
            return ((ByteArrayOutputStream) out).toString(StandardCharsets.UTF_8);
        }
    }
}
