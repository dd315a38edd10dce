package dev.caravan.ops;

import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.gateway.AccessLog;
import dev.caravan.gateway.CallEvents;
import dev.caravan.logging.BodyLogPolicy;
import dev.caravan.logging.Redactor;
import dev.caravan.ops.health.HealthEndpoints;
import dev.caravan.ops.health.ProviderReadiness;
import dev.caravan.ops.health.ReadinessCheck;
import dev.caravan.ops.hawtio.HawtioAccounts;
import dev.caravan.ops.hawtio.HawtioConsole;
import dev.caravan.ops.metrics.BreakerMetrics;
import dev.caravan.ops.metrics.GatewayMetrics;
import dev.caravan.ops.metrics.MetricsEndpoint;
import dev.caravan.provider.ProviderRegistry;

/**
 * The operations beans: access log, metrics, health and readiness, the Hawtio console. Route file
 * {@code routes/admin-ops.camel.yaml} serves them on the admin plane. Bean names: {@code accessLog},
 * {@code metricsRegistry} (the name camel-micrometer looks up, so {@code micrometer:} endpoints in route files
 * report to {@code /metrics} too), {@code gatewayMetrics}, {@code breakerMetrics}, {@code metricsEndpoint},
 * {@code healthEndpoints}, {@code readiness.providers}, {@code hawtioConsole}.
 */
public final class OpsConfiguration {

    private OpsConfiguration() {
    }

    public static GatewayMetrics configure(CamelContext ctx, CallEvents events, ProviderRegistry providers) {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        Registry r = ctx.getRegistry();

        AccessLog accessLog = new AccessLog(BodyLogPolicy.forKeys(list(pc, "caravan.log.bodies.keys")),
                new Redactor(verbatim(pc, "caravan.log.redact-patterns"),
                        intProp(pc, "caravan.log.bodies.max-chars", 4096)));
        events.add(accessLog);
        r.bind("accessLog", accessLog);
        // OpenTelemetry (caravan.otel.endpoint; off by default): binds gatewayTracer when on
        dev.caravan.ops.otel.OtelConfiguration.configure(ctx, events, verbatim(pc, "caravan.log.redact-patterns"));

        MeterRegistry meters = r.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            r.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        if (bool(pc, "caravan.metrics.jvm", true)) {
            bindJvm(ctx, meters);
        }
        GatewayMetrics gatewayMetrics = new GatewayMetrics(meters, intProp(pc, "caravan.metrics.max-label-values",
                500));
        if (bool(pc, "caravan.metrics.enabled", true)) {
            events.add(gatewayMetrics);
        }
        r.bind("gatewayMetrics", gatewayMetrics);
        BreakerMetrics breakers = new BreakerMetrics(ctx, meters);
        r.bind("breakerMetrics", breakers);
        if (meters instanceof PrometheusMeterRegistry prometheus) {
            r.bind("metricsEndpoint", new MetricsEndpoint(prometheus, breakers));
        }

        // /metrics is open on the (loopback) admin port unless caravan.metrics.require-admin-key=true
        r.bind("metricsGuard", bool(pc, "caravan.metrics.require-admin-key", false)
                ? new dev.caravan.admin.AdminGuard(prop(pc, "caravan.admin.key",
                        System.getenv().getOrDefault("CARAVAN_ADMIN_KEY", "")))
                : (org.apache.camel.Processor) exchange -> { });
        r.bind("healthEndpoints", new HealthEndpoints(ctx));
        ReadinessCheck.register(ctx, "providers", ProviderReadiness.probe(providers));

        HawtioAccounts accounts = new HawtioAccounts()
                .add("admin", prop(pc, "caravan.admin.key", System.getenv().getOrDefault("CARAVAN_ADMIN_KEY", "")))
                .add(prop(pc, "caravan.hawtio.user", ""), prop(pc, "caravan.hawtio.password", ""));
        HawtioConsole console = new HawtioConsole(bool(pc, "caravan.hawtio.enabled", true), accounts,
                prop(pc, "caravan.hawtio.host", "127.0.0.1"), intProp(pc, "caravan.hawtio.port", 0));
        r.bind("hawtioConsole", console);
        addService(ctx, console);
        return gatewayMetrics;
    }

    private static void addService(CamelContext ctx, Object service) {
        try {
            ctx.addService(service, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void bindJvm(CamelContext ctx, MeterRegistry meters) {
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        // the GC binder listens to JMX notifications until closed
        addService(ctx, new ServiceSupport() {
            @Override
            protected void doStop() {
                gc.close();
            }
        });
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
    }

    static String prop(PropertiesComponent pc, String key, String def) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(def);
    }

    /**
     * A property read as written, without placeholder processing: Camel's parser drops backslashes after a
     * {@code }} (so a regex like {@code \d{3}\b} would change). Order: -D, environment, property files.
     */
    static String verbatim(PropertiesComponent pc, String key) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        if (v == null) {
            v = pc.loadProperties(k -> k.equals(key)).getProperty(key);
        }
        return v == null ? "" : v.trim();
    }

    static int intProp(PropertiesComponent pc, String key, int def) {
        return Integer.parseInt(prop(pc, key, Integer.toString(def)));
    }

    static boolean bool(PropertiesComponent pc, String key, boolean def) {
        return Boolean.parseBoolean(prop(pc, key, Boolean.toString(def)));
    }

    static List<String> list(PropertiesComponent pc, String key) {
        return Arrays.stream(prop(pc, key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
