package dev.caravan.ops.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventLoopDelayTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NioEventLoopGroup loop = new NioEventLoopGroup(1);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(EventLoopDelay.class);
    private EventLoopDelay probe;

    @AfterEach
    void stop() throws Exception {
        if (probe != null) {
            probe.stop();
        }
        log.detachAppender(lines);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private EventLoopDelay start(Duration warnAfter, EventLoopDelay.Group... groups) {
        lines.start();
        log.addAppender(lines);
        probe = new EventLoopDelay(registry, List.of(groups), Duration.ofMillis(5), warnAfter);
        probe.start();
        return probe;
    }

    private long probes(String group) {
        return registry.get("caravan.event.loop.delay").tag("group", group).timer().count();
    }

    private double blocked(String group) {
        return registry.get("caravan.event.loop.blocked").tag("group", group).counter().count();
    }

    @Test
    void aLoopThatServesItsTasksIsMeasuredAndNotReported() {
        start(Duration.ofSeconds(5), new EventLoopDelay.Group("io", () -> loop));
        await().atMost(Duration.ofSeconds(10)).until(() -> probes("io") >= 5);
        assertThat(blocked("io")).isZero();
        assertThat(lines.list).isEmpty();
    }

    @Test
    void aBlockedLoopIsCountedOnceAndLoggedWithTheStepThatHoldsIt() throws Exception {
        start(Duration.ofMillis(100), new EventLoopDelay.Group("io", () -> loop));
        await().atMost(Duration.ofSeconds(10)).until(() -> probes("io") >= 1);
        String loopThread = loopThreadName();
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> aStepThatBlocks(release));

        await().atMost(Duration.ofSeconds(10)).until(() -> blocked("io") == 1.0);
        String warning = lines.list.get(0).getFormattedMessage();
        assertThat(warning).contains("io thread " + loopThread).contains("aStepThatBlocks");
        Thread.sleep(100); // later ticks while the same probe waits add no second warning
        assertThat(blocked("io")).isEqualTo(1.0);

        release.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> lines.list.stream().anyMatch(e -> e.getFormattedMessage().contains("ran its queued")));
        // the late probe's wait is recorded: it was still queued when the warning came, 100 ms after it was sent
        assertThat(registry.get("caravan.event.loop.delay").tag("group", "io").timer().max(TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(100.0);
        assertThat(blocked("io")).isEqualTo(1.0);
    }

    @Test
    void aGroupIsMeasuredOnceItsThreadsExist() {
        AtomicReference<EventExecutorGroup> later = new AtomicReference<>();
        NioEventLoopGroup route = new NioEventLoopGroup(1);
        start(Duration.ofSeconds(5), new EventLoopDelay.Group("io", () -> loop),
                new EventLoopDelay.Group("route", later::get));
        await().atMost(Duration.ofSeconds(10)).until(() -> probes("io") >= 3);
        assertThat(registry.find("caravan.event.loop.delay").tag("group", "route").timer()).isNull();
        later.set(route);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.find("caravan.event.loop.delay")
                    .tag("group", "route").timer() != null && probes("route") >= 1);
        } finally {
            route.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void aStepThatBlocks(CountDownLatch release) {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String loopThreadName() throws Exception {
        return loop.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
    }
}
