import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.gateway.AccessLog;
import dev.caravan.gateway.CallListener;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;
import dev.caravan.ops.metrics.GatewayMetrics;

/**
 * Process CPU per finished call of each per-request listener, in isolation (no HTTP, no upstream): what the
 * metrics listener and the access log add to every request. Single-file program:
 *   java -cp target/caravan.jar bench/ListenerCost.java > /dev/null 2> results.txt
 * (stdout takes the access lines; results go to stderr.)
 */
public class ListenerCost {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        ObjectNode raw = (ObjectNode) Json.MAPPER.readTree(
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        ChatRequest req = Json.MAPPER.treeToValue(raw, ChatRequest.class);
        Usage usage = Json.MAPPER.readValue("{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"cost\":0.0025}", Usage.class);
        Map<String, CallListener> listeners = Map.of(
                "metrics", new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 500),
                "access-log", new AccessLog());
        for (String name : List.of("metrics", "access-log", "metrics", "access-log")) {
            CallListener l = listeners.get(name);
            long cpu0 = cpu();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ChatCall call = new ChatCall("req_" + i, System.nanoTime() - 20_000_000, null, true, Map.of());
                call.endpoint("chat");
                call.principal(new Principal("key-" + (i % 20), "tenant-" + (i % 3), Map.of()));
                call.request(raw, req);
                call.provider("openai");
                l.completed(call, new CallOutcome(200, usage, false, "ok", null, 0, 0, System.nanoTime()));
            }
            Thread.sleep(500); // let the async log appender drain, its CPU counts too
            double cpuNs = (cpu() - cpu0) / (double) n;
            System.err.printf("listener=%s calls=%d cpu_ns_per_call=%.0f wall_ns_per_call=%.0f%n", name, n, cpuNs,
                    (System.nanoTime() - t0) / (double) n);
        }
    }

    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
