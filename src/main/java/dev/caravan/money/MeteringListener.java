package dev.caravan.money;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import dev.caravan.api.Usage;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.gateway.CallListener;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerRow;

/**
 * Called once per finished chat call (after the reply, or at the end of a stream): prices what was not priced on
 * the way out (a stream without include_usage, a stream cut short: tokens estimated from what was delivered),
 * settles the rate-limit ticket and the budget reservation with the real numbers (a failed call releases them),
 * hands crossed budget thresholds to {@link BudgetAlerts}, and queues the ledger row (with
 * {@code caravan.ledger.durability=sync}: hands it to the ledger's commit thread and makes the end of the reply wait
 * for the commit). Nothing here blocks: the ledger and the alerts have their own threads.
 */
public final class MeteringListener implements CallListener {

    private final Meter meter;
    private final RateLimiter limiter;
    private final BudgetStore budgets;
    private final BudgetAlerts alerts;
    private final Ledger ledger;
    private final MoneySettings settings;
    private final MoneyMetrics metrics;
    private final Clock clock;

    public MeteringListener(Meter meter, RateLimiter limiter, BudgetStore budgets, BudgetAlerts alerts, Ledger ledger,
            MoneySettings settings, MoneyMetrics metrics, Clock clock) {
        this.meter = meter;
        this.limiter = limiter;
        this.budgets = budgets;
        this.alerts = alerts;
        this.ledger = ledger;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void completed(ChatCall call, CallOutcome o) {
        if (call.request() == null || call.principal() == null || "count_tokens".equals(call.endpoint())) {
            // the models list, health, refusals before a request was read and token counting (free) are not
            // API calls to meter
            return;
        }
        CallCharge charge = call.attachment(CallCharge.class);
        CallCharge.Priced p = charge == null ? null : charge.priced;
        if (p == null) {
            p = priceAtEnd(call, charge, o);
            if (charge != null) {
                charge.priced = p;
            }
        }
        call.charged(p.cost() == null ? null : p.cost().total());
        if (charge != null && charge.settled.compareAndSet(false, true)) {
            settle(charge, p);
        }
        if (p.cost() == null) {
            metrics.costUnknown.increment();
        } else {
            metrics.costUnits.add(p.cost().units());
        }
        LedgerRow row = row(call, charge, p, o);
        if (ledger.isSync()) {
            call.holdReplyUntil(ledger.commit(row));
        } else {
            ledger.append(row);
        }
    }

    /** Prices a call that ended without a priced reply: streams, and errors (nothing billed). */
    private CallCharge.Priced priceAtEnd(ChatCall call, CallCharge charge, CallOutcome o) {
        Usage u = o.usage();
        if (u != null && (o.stream() || o.status() < 400)) {
            return meter.price(call, TokenCounts.of(u), null, false);
        }
        if (o.stream() && o.chunks() > 0) {
            long prompt = charge == null ? 0 : charge.promptEstimate;
            return meter.price(call, TokenCounts.of(prompt, o.chunks()), null, true);
        }
        return CallCharge.Priced.nothing();
    }

    private void settle(CallCharge charge, CallCharge.Priced p) {
        if (charge.ticket != null) {
            limiter.settle(charge.ticket, p.cacheHit() ? 0 : p.tokens().total());
        }
        if (charge.reservation != null) {
            long units = p.cost() == null ? 0 : p.cost().units();
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            List<BudgetStore.Crossing> crossed = budgets.settle(charge.reservation, units, today,
                    settings.alertThresholds());
            if (!crossed.isEmpty()) {
                alerts.crossed(crossed);
            }
        }
    }

    private LedgerRow row(ChatCall call, CallCharge charge, CallCharge.Priced p, CallOutcome o) {
        long now = clock.millis();
        String provider = call.provider();
        String upstream = call.upstreamModel();
        TokenCounts t = p.tokens();
        long latencyNanos = o.endNanos() - call.startNanos();
        Integer ttft = o.stream() && o.firstChunkNanos() > 0
                ? (int) ((o.firstChunkNanos() - call.startNanos()) / 1_000_000) : null;
        return new LedgerRow(call.requestId(), now, call.principal().keyId(),
                charge == null ? call.principal().tenant() : charge.tenant, charge == null ? null : charge.tags,
                call.request() == null ? null : call.request().model(), provider, upstream,
                call.deployment() != null ? call.deployment() : provider == null ? null : provider + "/" + upstream,
                call.attempts().isEmpty() ? null : call.attemptsHeader(), t.prompt(), t.completion(),
                t.cached(), t.cacheWrite(), t.reasoning(), p.cost() == null ? null : p.cost().total(), p.saved(),
                p.estimated(), p.cacheHit(), o.status(), o.result(), o.errorCode(), o.stream(),
                (int) Math.max(0, latencyNanos / 1_000_000), ttft, call.endpoint());
    }
}
