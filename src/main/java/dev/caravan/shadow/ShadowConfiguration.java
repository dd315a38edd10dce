package dev.caravan.shadow;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.catalog.PriceCatalog;
import dev.caravan.db.Database;
import dev.caravan.gateway.CallEvents;
import dev.caravan.ops.metrics.GatewayMetrics;

/**
 * Binds shadow traffic's beans: {@code shadowRecorder} (route template 'shadow', route shadow.run),
 * {@code shadowExecutor} (the wire tap's hand-off pool), {@code shadowReport} ({@code GET /admin/shadow/report}).
 * Settings (application.properties): {@code caravan.shadow.max-in-flight} (64), {@code caravan.shadow.threads} (2),
 * {@code caravan.shadow.timeout-ms} (60000), {@code caravan.shadow.max-rows} (100000),
 * {@code caravan.shadow.write-queue} (10000).
 */
public final class ShadowConfiguration {

    private ShadowConfiguration() {
    }

    public static void configure(CamelContext ctx, CallEvents events) throws Exception {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        Registry r = ctx.getRegistry();
        Clock clock = Clock.systemUTC();
        int maxInFlight = intProp(pc, "caravan.shadow.max-in-flight", 64);
        int threads = intProp(pc, "caravan.shadow.threads", 2);
        GatewayMetrics gm = r.lookupByNameAndType("gatewayMetrics", GatewayMetrics.class);
        ShadowMetrics metrics = new ShadowMetrics(gm == null ? null : gm.registry());
        ShadowStore store = new ShadowStore(r.lookupByNameAndType("caravanDatabase", Database.class),
                intProp(pc, "caravan.shadow.max-rows", 100_000), intProp(pc, "caravan.shadow.write-queue", 10_000));
        ShadowRecorder recorder = new ShadowRecorder(maxInFlight, r.lookupByNameAndType("priceCatalog",
                PriceCatalog.class), clock, store, metrics, intProp(pc, "caravan.shadow.timeout-ms", 60_000));
        r.bind(ShadowRecorder.BEAN, recorder);
        events.add(recorder);
        // the queue holds as many tasks as there are slots, so a copy that got a slot is never refused here;
        // a refusal (pool shut down) is counted and the copy dropped, never thrown at the client's exchange
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, maxInFlight)), t -> {
                    Thread th = new Thread(t, "caravan-shadow-" + n.incrementAndGet());
                    th.setDaemon(true);
                    return th;
                }, (task, executor) -> metrics.dropped("rejected"));
        pool.allowCoreThreadTimeOut(true);
        r.bind("shadowExecutor", pool);
        r.bind("shadowReport", new ShadowReport(store, metrics, clock));
        ctx.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                pool.shutdown();
                pool.awaitTermination(2, TimeUnit.SECONDS);
                store.close();
            }
        });
    }

    private static int intProp(PropertiesComponent pc, String key, int def) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).orElse(def);
    }
}
