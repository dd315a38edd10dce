package dev.caravan.shadow;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counters of shadow traffic, on {@code /metrics} when a registry is given: {@code caravan_shadow_calls_total}
 * (candidate answers by outcome: ok, error) and {@code caravan_shadow_dropped_total} (copies not made or not
 * recorded, by reason: {@code full} no free slot, {@code rejected} the hand-off pool refused, {@code writer_full}
 * the table's write queue was full).
 */
public final class ShadowMetrics {

    private final MeterRegistry registry;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();

    public ShadowMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String r : new String[] {"full", "rejected", "writer_full"}) {
            adder(dropped, "caravan.shadow.dropped", "reason", r, "Shadow copies dropped");
        }
        for (String o : new String[] {"ok", "error"}) {
            adder(calls, "caravan.shadow.calls", "outcome", o, "Shadow candidate calls by outcome");
        }
    }

    void dropped(String reason) {
        adder(dropped, "caravan.shadow.dropped", "reason", reason, "Shadow copies dropped").increment();
    }

    void candidate(String outcome) {
        adder(calls, "caravan.shadow.calls", "outcome", outcome, "Shadow candidate calls by outcome").increment();
    }

    /** Drops by reason since start. */
    public Map<String, Long> droppedCounts() {
        Map<String, Long> out = new TreeMap<>();
        dropped.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private LongAdder adder(Map<String, LongAdder> m, String name, String tag, String value, String help) {
        return m.computeIfAbsent(value, v -> {
            LongAdder a = new LongAdder();
            if (registry != null) {
                FunctionCounter.builder(name, a, LongAdder::sum).description(help).tag(tag, v).register(registry);
            }
            return a;
        });
    }
}
