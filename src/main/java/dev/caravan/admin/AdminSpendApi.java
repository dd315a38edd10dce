package dev.caravan.admin;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.gateway.HttpReplies;
import dev.caravan.ledger.LedgerQueries;
import dev.caravan.ledger.SpendReport;
import dev.caravan.money.MoneyMetrics;

/**
 * {@code GET /admin/spend}: totals and breakdowns from the ledger. Parameters: {@code by} (comma-separated: key,
 * tenant, model, provider, deployment, day, tags), {@code since} / {@code until} (ISO date or instant, or a
 * duration back from now: {@code 7d}, {@code 24h}, {@code 30m}; default: this calendar month, UTC),
 * {@code tenant}, {@code key}, {@code format=csv}. {@code GET /admin/spend/metrics}: the money counters.
 */
public final class AdminSpendApi implements Processor {

    static final String PREFIX = "/admin/spend";
    static final List<String> MEASURES = List.of("requests", "cost_usd", "unknown_cost_requests", "saved_usd",
            "prompt_tokens", "completion_tokens", "cache_hits", "errors");

    private final LedgerQueries ledger;
    private final MoneyMetrics metrics;
    private final Clock clock;

    public AdminSpendApi(LedgerQueries ledger, MoneyMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws IOException, SQLException {
        AdminRequest req = AdminRequest.of(exchange);
        if (!req.method().equals("GET")) {
            throw AdminRequest.methodNotAllowed(req.method(), req.path(), "GET");
        }
        String rest = req.rest(PREFIX);
        if (rest.equals("metrics")) {
            HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(metrics.snapshot()), Map.of());
            return;
        }
        if (!rest.isEmpty() || !req.path().startsWith(PREFIX)) {
            throw AdminRequest.notFound("No admin resource at " + req.path() + ".");
        }
        Instant now = clock.instant();
        Instant since = time(req.query().get("since"), "since", now,
                LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        Instant until = time(req.query().get("until"), "until", now, now.plusMillis(1));
        String by = req.query().getOrDefault("by", "");
        List<String> groups = by.isBlank() ? List.of() : Arrays.stream(by.split(",")).map(String::trim).toList();
        SpendReport r;
        try {
            r = ledger.spend(groups, since, until, blank(req.query().get("tenant")), blank(req.query().get("key")));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), "by", "invalid_value");
        }
        if ("csv".equalsIgnoreCase(req.query().get("format"))) {
            AdminReplies.csv(exchange, SpendCsv.write(r), "caravan-spend.csv");
        } else {
            HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(json(r)), Map.of());
        }
    }

    private static ObjectNode json(SpendReport r) {
        ObjectNode n = Json.NODES.objectNode();
        n.put("object", "spend");
        n.put("since", r.since().toString());
        n.put("until", r.until().toString());
        r.by().forEach(n.putArray("by")::add);
        n.set("total", line(r.total()));
        ArrayNode data = n.putArray("data");
        r.rows().forEach(l -> data.add(line(l)));
        return n;
    }

    private static ObjectNode line(SpendReport.Line l) {
        ObjectNode n = Json.NODES.objectNode();
        l.group().forEach(n::put);
        n.put("requests", l.requests());
        n.set("cost_usd", AdminReplies.number(l.costUsd()));
        n.put("unknown_cost_requests", l.unknownCost());
        n.set("saved_usd", AdminReplies.number(l.savedUsd()));
        n.put("prompt_tokens", l.promptTokens());
        n.put("completion_tokens", l.completionTokens());
        n.put("cache_hits", l.cacheHits());
        n.put("errors", l.errors());
        return n;
    }

    /** ISO date, ISO instant, or a duration back from now ({@code 7d}, {@code 24h}, {@code 30m}). */
    public static Instant time(String s, String param, Instant now, Instant dflt) {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        String v = s.trim();
        try {
            if (v.matches("\\d+[dhm]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return now.minus(switch (v.charAt(v.length() - 1)) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofMinutes(n);
                });
            }
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw ApiException.badRequest("'" + param + "' must be an ISO date (2026-11-01), an instant "
                    + "(2026-11-01T00:00:00Z) or a duration back from now (7d, 24h, 30m).", param, "invalid_value");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
