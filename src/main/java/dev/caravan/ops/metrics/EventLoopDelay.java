package dev.caravan.ops.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a task handed to one of the gateway's event loops (or the route executor's threads) waits before it
 * runs: the delay every hand-over between threads pays, and the first sign that a loop is blocked by a step or
 * given more work than its core serves. Every {@code interval} one probe task is queued on each thread of each
 * group, from a thread of its own; the wait is recorded in {@code caravan_event_loop_delay_seconds{group}}. A probe
 * still waiting after {@code warnAfter} counts in {@code caravan_event_loop_blocked_total{group}} and is logged
 * once, with where that thread is.
 */
public final class EventLoopDelay extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopDelay.class);
    /** Frames of the late thread's stack in the warning: deep enough to reach a route step under a client. */
    static final int STACK_FRAMES = 48;

    /** A set of threads measured under one {@code group} label; {@code threads} may give null until it exists. */
    public record Group(String name, Supplier<? extends EventExecutorGroup> threads) {
    }

    private final MeterRegistry registry;
    private final List<Group> groups;
    private final long intervalMillis;
    private final long warnNanos;
    /** Touched only by the ticker's one thread. */
    private final Map<EventExecutor, Probe> probes = new HashMap<>();
    private ScheduledExecutorService ticker;

    public EventLoopDelay(MeterRegistry registry, List<Group> groups, Duration interval, Duration warnAfter) {
        this.registry = registry;
        this.groups = List.copyOf(groups);
        this.intervalMillis = Math.max(1, interval.toMillis());
        this.warnNanos = warnAfter.toNanos();
    }

    @Override
    protected void doStart() {
        ticker = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("caravan-loop-probe", true));
        ticker.scheduleWithFixedDelay(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            for (Group g : groups) {
                EventExecutorGroup threads = g.threads().get();
                if (threads == null || threads.isShuttingDown()) {
                    continue;
                }
                for (EventExecutor e : threads) {
                    probes.computeIfAbsent(e, x -> new Probe(g.name(), x)).tick(now);
                }
            }
        } catch (RuntimeException e) {
            // a failed tick must not end the schedule
            LOG.debug("event loop probe: {}", e.toString());
        }
    }

    private final class Probe {
        private final String group;
        private final EventExecutor executor;
        private final Timer delay;
        private final Counter blocked;
        /** When the probe now queued was sent; 0 when none is. */
        private volatile long sentAt;
        /** The thread that runs the probes, once one ran. */
        private volatile Thread thread;
        /** The send time of the probe a warning was logged for. */
        private volatile long warnedFor;

        Probe(String group, EventExecutor executor) {
            this.group = group;
            this.executor = executor;
            this.delay = Timer.builder("caravan.event.loop.delay")
                    .description("How long a task handed to a gateway thread waited before it ran")
                    .tag("group", group)
                    .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
                            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2))
                    .register(registry);
            this.blocked = Counter.builder("caravan.event.loop.blocked")
                    .description("Probes that waited longer than caravan.metrics.event-loop.warn-ms")
                    .tag("group", group).register(registry);
        }

        void tick(long now) {
            long sent = sentAt;
            if (sent != 0) {
                if (now - sent >= warnNanos && warnedFor != sent) {
                    warnedFor = sent;
                    blocked.increment();
                    Thread t = thread;
                    LOG.warn("{} thread {} has not run a task queued {} ms ago: a step is blocking it, or it has more"
                            + " work than its core serves (caravan_event_loop_delay_seconds); it is at:{}", group,
                            t == null ? "(not yet known)" : t.getName(), (now - sent) / 1_000_000, frames(t));
                }
                return;
            }
            sentAt = now;
            try {
                executor.execute(this::ran);
            } catch (RejectedExecutionException e) {
                sentAt = 0; // shutting down
            }
        }

        private void ran() {
            long sent = sentAt;
            long waited = System.nanoTime() - sent;
            thread = Thread.currentThread();
            delay.record(waited, TimeUnit.NANOSECONDS);
            if (warnedFor == sent) {
                LOG.warn("{} thread {} ran its queued tasks again after {} ms", group, thread.getName(),
                        waited / 1_000_000);
            }
            sentAt = 0;
        }
    }

    static String frames(Thread t) {
        if (t == null) {
            return " (the thread has run no probe yet)";
        }
        StackTraceElement[] stack = t.getStackTrace();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(STACK_FRAMES, stack.length); i++) {
            sb.append("\n\tat ").append(stack[i]);
        }
        if (stack.length > STACK_FRAMES) {
            sb.append("\n\t... ").append(stack.length - STACK_FRAMES).append(" more");
        }
        return sb.toString();
    }
}
