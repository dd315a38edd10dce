package dev.caravan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * An OTLP/HTTP collector in the test's process: a real HTTP server taking protobuf exports on {@code /v1/traces}
 * and {@code /v1/metrics}, decoded with the OTLP protobuf classes and kept for assertions.
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();
    private final List<String> serviceNames = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    /** A started receiver, for a static field of a test class. */
    public static OtlpReceiver started() {
        try {
            return new OtlpReceiver();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", this::traces);
        server.createContext("/v1/metrics", this::metrics);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void traces(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            contentTypes.add(String.valueOf(ex.getRequestHeaders().getFirst("content-type")));
            ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(in);
            req.getResourceSpansList().forEach(rs -> {
                rs.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
                        .forEach(kv -> serviceNames.add(kv.getValue().getStringValue()));
                rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList()));
            });
            reply(ex, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(in);
            req.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList()
                    .forEach(sm -> metrics.addAll(sm.getMetricsList())));
            reply(ex, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
        }
    }

    private static void reply(HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().add("content-type", "application/x-protobuf");
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    public List<Span> spans() {
        return new ArrayList<>(spans);
    }

    public List<Metric> metrics() {
        return new ArrayList<>(metrics);
    }

    public List<String> serviceNames() {
        return new ArrayList<>(serviceNames);
    }

    public List<String> contentTypes() {
        return new ArrayList<>(contentTypes);
    }

    /** The spans of one trace (hex trace id). */
    public List<Span> trace(String traceIdHex) {
        return spans.stream().filter(s -> hex(s.getTraceId().toByteArray()).equals(traceIdHex)).toList();
    }

    /** An attribute's value (string, int, double, bool or array, as written), or null. */
    public static Object attr(Span s, String key) {
        for (KeyValue kv : s.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return value(kv.getValue());
            }
        }
        return null;
    }

    static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BOOL_VALUE -> v.getBoolValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList();
            default -> null;
        };
    }

    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
