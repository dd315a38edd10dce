package dev.caravan.ops.otel;

import java.util.Set;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.auth.Principal;
import dev.caravan.gateway.CallEvents;
import dev.caravan.logging.Redactor;
import dev.caravan.support.Secrets;

/**
 * Builds the OpenTelemetry SDK when {@code caravan.otel.endpoint} is set and binds the {@link GatewayTracer} as
 * {@code gatewayTracer}. When it is not set, nothing is built and {@link #configure} returns null.
 */
public final class OtelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OtelConfiguration.class);

    private OtelConfiguration() {
    }

    /** The tracer, registered as a call listener, or null when OpenTelemetry is off. */
    public static GatewayTracer configure(CamelContext ctx, CallEvents events, String redactPatterns) {
        OtelSettings s = OtelSettings.from(ctx.getPropertiesComponent());
        if (!s.enabled()) {
            return null;
        }
        s.headers().values().forEach(Secrets::register);
        SdkLogBridge.install();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), s.serviceName())));
        SdkTracerProvider traces = s.traces() ? SdkTracerProvider.builder().setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(s.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(spanExporter(s)).setScheduleDelay(s.traceDelay()).build())
                .build() : null;
        SdkMeterProvider metrics = s.metrics() ? SdkMeterProvider.builder().setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(metricExporter(s))
                        .setInterval(s.metricInterval()).build())
                .build() : null;
        Tracer tracer = traces == null ? null : traces.get("dev.caravan", version());
        Meter meter = metrics == null ? null : metrics.get("dev.caravan");
        Set<String> keys = Set.copyOf(s.contentKeys());
        java.util.function.Predicate<Principal> content = p -> p != null
                && (keys.contains(p.keyId()) || p.policy() != null && p.policy().traceContent());
        GatewayTracer t = new GatewayTracer(tracer, meter, content, new Redactor(redactPatterns, s.contentMaxChars()),
                s.contentMaxChars());
        events.add(t);
        ctx.getRegistry().bind("gatewayTracer", t);
        try {
            ctx.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    // flush what is buffered: spans of the last requests, the last metric interval
                    if (traces != null) {
                        traces.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    if (metrics != null) {
                        metrics.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
                    }
                }
            }, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        LOG.info("OpenTelemetry on: {} over {} (traces {}, metrics {})", Secrets.scrub(s.endpoint()), s.protocol(),
                s.traces(), s.metrics());
        return t;
    }

    private static SpanExporter spanExporter(OtelSettings s) {
        if (OtelSettings.GRPC.equals(s.protocol())) {
            var b = OtlpGrpcSpanExporter.builder().setEndpoint(s.endpoint()).setTimeout(s.exportTimeout());
            s.headers().forEach(b::addHeader);
            return grpc(b::build);
        }
        var b = OtlpHttpSpanExporter.builder().setEndpoint(path(s.endpoint(), "/v1/traces"))
                .setTimeout(s.exportTimeout());
        s.headers().forEach(b::addHeader);
        return b.build();
    }

    private static MetricExporter metricExporter(OtelSettings s) {
        if (OtelSettings.GRPC.equals(s.protocol())) {
            var b = OtlpGrpcMetricExporter.builder().setEndpoint(s.endpoint()).setTimeout(s.exportTimeout());
            s.headers().forEach(b::addHeader);
            return grpc(b::build);
        }
        var b = OtlpHttpMetricExporter.builder().setEndpoint(path(s.endpoint(), "/v1/metrics"))
                .setTimeout(s.exportTimeout());
        s.headers().forEach(b::addHeader);
        return b.build();
    }

    /** OTLP/gRPC needs a gRPC sender on the class path (not shipped: see docs/observability.md). */
    private static <T> T grpc(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("caravan.otel.protocol=grpc needs a gRPC sender on the class path "
                    + "(io.opentelemetry:opentelemetry-exporter-sender-grpc-managed-channel or -sender-okhttp); "
                    + "or use protocol http/protobuf (port 4318)", e);
        }
    }

    /** The signal's path under the base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT does it. */
    static String path(String endpoint, String signal) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base.endsWith(signal) ? base : base + signal;
    }

    private static String version() {
        String v = OtelConfiguration.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
