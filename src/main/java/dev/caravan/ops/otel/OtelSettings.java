package dev.caravan.ops.otel;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.spi.PropertiesComponent;

/**
 * {@code caravan.otel.*}: where traces and metrics go and what they may carry. An empty endpoint means off: no SDK
 * object is created and the request path only checks for null.
 *
 * @param endpoint     OTLP base URL ({@code http://collector:4318} for HTTP, {@code http://collector:4317} for gRPC)
 * @param protocol     {@code http/protobuf} or {@code grpc}
 * @param headers      sent with every export (e.g. an authorization header, referenced from the environment)
 * @param contentKeys  key ids whose prompts and completions are recorded (redacted); virtual keys have their own
 *                     {@code trace_content} flag
 */
public record OtelSettings(String endpoint, String protocol, Map<String, String> headers, String serviceName,
        boolean traces, boolean metrics, double sampleRatio, Duration traceDelay, Duration metricInterval,
        Duration exportTimeout,
        List<String> contentKeys, int contentMaxChars) {

    public static final String HTTP = "http/protobuf";
    public static final String GRPC = "grpc";

    public boolean enabled() {
        return endpoint != null && !endpoint.isBlank() && (traces || metrics);
    }

    static OtelSettings from(PropertiesComponent pc) {
        String protocol = prop(pc, "protocol", HTTP).toLowerCase(Locale.ROOT);
        if (!protocol.equals(HTTP) && !protocol.equals(GRPC)) {
            throw new IllegalArgumentException("caravan.otel.protocol must be http/protobuf or grpc, not " + protocol);
        }
        double ratio = Double.parseDouble(prop(pc, "sample-ratio", "1.0"));
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("caravan.otel.sample-ratio must be between 0 and 1");
        }
        return new OtelSettings(prop(pc, "endpoint", ""), protocol, headers(prop(pc, "headers", "")),
                prop(pc, "service-name", "caravan"), Boolean.parseBoolean(prop(pc, "traces.enabled", "true")),
                Boolean.parseBoolean(prop(pc, "metrics.enabled", "true")), ratio,
                Duration.ofMillis(Long.parseLong(prop(pc, "traces.delay-ms", "5000"))),
                Duration.ofMillis(Long.parseLong(prop(pc, "metrics.interval-ms", "60000"))),
                Duration.ofMillis(Long.parseLong(prop(pc, "export-timeout-ms", "10000"))),
                Arrays.stream(prop(pc, "content.keys", "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .toList(),
                Integer.parseInt(prop(pc, "content.max-chars", "4096")));
    }

    /** {@code name=value,name=value} (the OTEL_EXPORTER_OTLP_HEADERS form). */
    static Map<String, String> headers(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static String prop(PropertiesComponent pc, String key, String def) {
        return pc.resolveProperty("caravan.otel." + key).map(String::trim).filter(s -> !s.isEmpty()).orElse(def);
    }
}
