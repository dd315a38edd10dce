package dev.caravan.shadow;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.admin.AdminGuard;
import dev.caravan.admin.AdminSpendApi;
import dev.caravan.api.Json;
import dev.caravan.gateway.HttpReplies;

/**
 * {@code GET /admin/shadow/report[?since=7d]}: per (primary deployment, candidate deployment), the number of shadowed
 * calls, candidate failures, latency p50/p95 (nearest rank), tokens and cost of each side, and the agreement rates
 * (finish reason, exact text, fuzzy text, tool calls), each with the number of pairs it was computed on. A side's
 * figures count its answered calls only; agreement counts pairs where both answered.
 */
public final class ShadowReport implements Processor {

    private final ShadowStore store;
    private final ShadowMetrics metrics;
    private final Clock clock;

    public ShadowReport(ShadowStore store, ShadowMetrics metrics, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String since = query(exchange.getProperty(AdminGuard.QUERY, "", String.class), "since");
        Instant from = AdminSpendApi.time(since, "since", clock.instant(), Instant.EPOCH);
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(report(store.rows(from.toEpochMilli()), from)),
                Map.of());
    }

    ObjectNode report(List<ShadowStore.Row> rows, Instant from) {
        Map<List<String>, List<ShadowStore.Row>> pairs = new LinkedHashMap<>();
        for (ShadowStore.Row r : rows) {
            pairs.computeIfAbsent(List.of(r.primary().deployment(), r.candidate().deployment()),
                    k -> new ArrayList<>()).add(r);
        }
        ObjectNode n = Json.NODES.objectNode();
        n.put("object", "shadow.report");
        n.put("since", from.toString());
        n.put("fuzzy_measure", ShadowComparison.FUZZY_MEASURE);
        ObjectNode dropped = n.putObject("dropped");
        metrics.droppedCounts().forEach(dropped::put);
        ArrayNode data = n.putArray("data");
        pairs.forEach((k, list) -> data.add(pair(k.get(0), k.get(1), list)));
        return n;
    }

    private static ObjectNode pair(String primary, String candidate, List<ShadowStore.Row> rows) {
        ObjectNode n = Json.NODES.objectNode();
        n.put("primary", primary);
        n.put("candidate", candidate);
        n.put("count", rows.size());
        n.put("streams", rows.stream().filter(ShadowStore.Row::stream).count());
        n.put("candidate_errors", rows.stream().filter(r -> !r.candidate().ok()).count());
        n.set("primary_figures", side(rows, ShadowStore.Row::primary));
        n.set("candidate_figures", side(rows, ShadowStore.Row::candidate));
        n.set("finish_reason_agreement", rate(rows, r -> r.comparison().finishAgree()));
        n.set("exact_match", rate(rows, r -> r.comparison().exact()));
        n.set("fuzzy_match", rate(rows, r -> r.comparison().fuzzy()));
        n.set("tool_call_agreement", rate(rows, r -> r.comparison().toolsAgree()));
        return n;
    }

    private static ObjectNode side(List<ShadowStore.Row> rows, Function<ShadowStore.Row, ShadowAnswer> which) {
        List<ShadowAnswer> ok = rows.stream().map(which).filter(ShadowAnswer::ok).toList();
        List<Long> latencies = new ArrayList<>(ok.stream().map(ShadowAnswer::latencyMs).toList());
        Collections.sort(latencies);
        ObjectNode n = Json.NODES.objectNode();
        n.put("answered", ok.size());
        n.put("latency_p50_ms", percentile(latencies, 50));
        n.put("latency_p95_ms", percentile(latencies, 95));
        n.put("prompt_tokens", ok.stream().mapToLong(ShadowAnswer::promptTokens).sum());
        n.put("completion_tokens", ok.stream().mapToLong(ShadowAnswer::completionTokens).sum());
        BigDecimal cost = BigDecimal.ZERO;
        long unpriced = 0;
        for (ShadowAnswer a : ok) {
            if (a.costUsd() == null) {
                unpriced++;
            } else {
                cost = cost.add(a.costUsd());
            }
        }
        n.put("cost_usd", cost.stripTrailingZeros().toPlainString());
        n.put("unpriced", unpriced);
        ObjectNode finish = n.putObject("finish_reasons");
        ok.stream().filter(a -> a.finishReason() != null)
                .forEach(a -> finish.put(a.finishReason(), finish.path(a.finishReason()).asLong() + 1));
        return n;
    }

    /** Nearest-rank percentile of sorted values; null when none. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static ObjectNode rate(List<ShadowStore.Row> rows, Function<ShadowStore.Row, Boolean> f) {
        long compared = 0;
        long agreed = 0;
        for (ShadowStore.Row r : rows) {
            Boolean b = f.apply(r);
            if (b != null) {
                compared++;
                agreed += b ? 1 : 0;
            }
        }
        ObjectNode n = Json.NODES.objectNode();
        n.put("compared", compared);
        n.put("agreed", agreed);
        if (compared == 0) {
            n.putNull("rate");
        } else {
            n.put("rate", BigDecimal.valueOf(agreed).divide(BigDecimal.valueOf(compared), 4,
                    java.math.RoundingMode.HALF_EVEN).doubleValue());
        }
        return n;
    }

    private static String query(String raw, String name) {
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(p.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

}
