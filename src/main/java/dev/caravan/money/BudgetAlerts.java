package dev.caravan.money;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.db.Database;

/**
 * Budget alerts: when a key's or tenant's spending crosses a threshold of its budget (50/80/100 % by default), a
 * WARN line on logger {@code caravan.budget} and a JSON POST to every webhook ({@code caravan.budget.alert-webhooks}).
 * Each threshold fires once per scope and period, also across restarts (table {@code caravan_budget_alerts}).
 * Everything happens on the alerts' own thread, never on the request path; a webhook that fails is retried with
 * exponential backoff ({@code caravan.budget.alert-attempts}, {@code caravan.budget.alert-retry-ms}).
 */
public final class BudgetAlerts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.budget");

    private final Database db;
    private final List<URI> webhooks;
    private final int attempts;
    private final long backoffMs;
    private final MoneyMetrics metrics;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-budget-alerts");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> fired = ConcurrentHashMap.newKeySet();

    public BudgetAlerts(Database db, List<URI> webhooks, int attempts, long backoffMs, MoneyMetrics metrics,
            Clock clock) {
        this.db = db;
        this.webhooks = List.copyOf(webhooks);
        this.attempts = Math.max(1, attempts);
        this.backoffMs = backoffMs;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Called after a call settled; returns at once. */
    public void crossed(List<BudgetStore.Crossing> crossings) {
        for (BudgetStore.Crossing c : crossings) {
            String id = c.limit().scope() + "|" + c.periodStart() + "|" + c.thresholdPct();
            if (fired.add(id)) {
                executor.execute(() -> fire(c));
            }
        }
    }

    private void fire(BudgetStore.Crossing c) {
        if (!firstTime(c)) {
            return;
        }
        ObjectNode body = payload(c);
        LOG.warn(body.get("text").asText());
        byte[] bytes = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (URI hook : webhooks) {
            deliver(hook, bytes, 1);
        }
    }

    private void deliver(URI hook, byte[] body, int attempt) {
        String failure;
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(hook).timeout(Duration.ofSeconds(10))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 == 2) {
                metrics.alertsSent.increment();
                return;
            }
            failure = "HTTP " + r.statusCode();
        } catch (java.io.IOException e) {
            failure = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (attempt >= attempts) {
            metrics.alertsFailed.increment();
            LOG.error("budget alert to {} given up after {} attempts: {}", hook.getHost(), attempt, failure);
            return;
        }
        long delay = backoffMs << Math.min(attempt - 1, 10);
        executor.schedule(() -> deliver(hook, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
    }

    /** Records the alert; false when it was already sent in this period (e.g. before a restart). */
    private boolean firstTime(BudgetStore.Crossing c) {
        if (db == null) {
            return true;
        }
        String sql = "INSERT INTO caravan_budget_alerts (scope, period_start, threshold_pct, fired_at) "
                + "VALUES (?, ?, ?, ?)";
        try (Connection con = db.connection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, c.limit().scope());
            ps.setDate(2, Date.valueOf(c.periodStart()));
            ps.setInt(3, c.thresholdPct());
            ps.setLong(4, clock.millis());
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            LOG.warn("budget alert state not stored ({}); sending anyway", e.getMessage());
            return true;
        }
    }

    private ObjectNode payload(BudgetStore.Crossing c) {
        String scope = c.limit().scope();
        int colon = scope.indexOf(':');
        ObjectNode n = Json.NODES.objectNode();
        n.put("event", "budget.threshold");
        n.put("scope", scope.substring(0, colon));
        n.put("id", scope.substring(colon + 1));
        n.put("threshold_pct", c.thresholdPct());
        n.set("budget_usd", Meter.number(c.limit().budget().usd()));
        n.put("period", c.limit().budget().period().label());
        n.put("period_start", c.periodStart().toString());
        n.set("spent_usd", Meter.number(Money.usd(c.spentUnits())));
        n.put("at", clock.instant().toString());
        n.put("text", "Caravan budget alert: " + scope.substring(0, colon) + " " + scope.substring(colon + 1)
                + " has spent " + c.thresholdPct() + "% of its " + c.limit().budget() + " USD budget ("
                + Money.plain(c.spentUnits()) + " USD since " + c.periodStart() + ").");
        return n;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
