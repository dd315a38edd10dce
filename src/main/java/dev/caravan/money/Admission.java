package dev.caravan.money;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.ChatRequest;
import dev.caravan.auth.KeyPolicy;
import dev.caravan.auth.Principal;
import dev.caravan.catalog.ModelInfo;
import dev.caravan.catalog.Pricing;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.ChatCall;

/**
 * The admission step of {@code api.chat}, before any provider is called: the key's model scope (403), a price
 * for the model when {@code caravan.pricing.require-known} (400), who pays (tenant and tags, from the request only
 * if the key allows it), RPM/TPM limits of the key and the tenant (429 with OpenAI's headers), the response cache
 * (a hit answers here), and the budget reservation of the worst-case cost (429 {@code insufficient_quota}). For
 * streams it installs the usage decorator that puts the cost into the final usage chunk.
 */
public final class Admission implements Processor {

    /** Exchange property set on a response-cache hit: the route then skips the providers. */
    public static final String CACHE_HIT = "CaravanCacheHit";

    private final MoneySettings settings;
    private final Meter meter;
    private final RateLimiter limiter;
    private final BudgetStore budgets;
    private final TenantPolicies tenants;
    private final CacheStep cache;
    private final MoneyMetrics metrics;
    private final Clock clock;
    private volatile java.util.function.Predicate<String> isProvider = provider -> true;

    public Admission(MoneySettings settings, Meter meter, RateLimiter limiter, BudgetStore budgets,
            TenantPolicies tenants, CacheStep cache, MoneyMetrics metrics, Clock clock) {
        this.settings = settings;
        this.meter = meter;
        this.limiter = limiter;
        this.budgets = budgets;
        this.tenants = tenants;
        this.cache = cache;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Which names are providers. A requested model whose prefix is not one ({@code caravan/code}, an alias) is a
     * name the routing file resolves: it is priced per attempt, for the deployment actually called.
     */
    public void providers(java.util.function.Predicate<String> isProvider) {
        this.isProvider = isProvider;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        Principal p = call.principal();
        ChatRequest req = call.request();
        if (!p.policy().models().allows(req.model())) {
            throw new ApiException(403, ErrorMapper.PERMISSION, "model_not_allowed", "model", "This key may not use "
                    + "the model '" + req.model() + "'. Allowed: " + p.policy().models().globs() + ".");
        }
        ModelInfo model = meter.catalog().find(req.model()).orElse(null);
        boolean priced = model != null && model.isPriced();
        boolean routed = !priced && !namesAProvider(req.model());
        if (!priced && !routed && settings.requireKnown()) {
            metrics.priceRefused.increment();
            throw new ApiException(400, ErrorMapper.INVALID_REQUEST, "model_price_unknown", "model", "The model '"
                    + req.model() + "' has no price in the catalog, and this gateway serves only priced models "
                    + "(caravan.pricing.require-known). Add it to config/models.yaml.");
        }
        long prompt = TokenEstimator.promptTokens(call.raw());
        CallCharge charge = new CallCharge(Attribution.tenant(call, p), Attribution.tags(call, p), prompt);
        call.attach(CallCharge.class, charge);
        if (!charge.tenant.equals(p.tenant())) {
            // the attributed tenant is the call's tenant everywhere: metrics and the access log as in the ledger
            call.principal(new Principal(p.keyId(), charge.tenant, p.labels(), p.policy()));
        }
        Instant now = clock.instant();
        limit(call, charge, p, req, now);
        if (!req.isStream() && cache.lookup(exchange, call, charge, p.policy())) {
            return;
        }
        reserve(charge, p, model, priced, req, prompt, now);
        if (routed) {
            call.attemptGuard((c, provider, m) -> beforeAttempt(charge, p, req, prompt, provider, m));
        }
        if (req.isStream()) {
            call.usageDecorator(u -> {
                CallCharge.Priced pr = meter.price(call, TokenCounts.of(u), null, false);
                charge.priced = pr;
                return Meter.decorate(u, pr);
            });
        }
    }

    private void limit(ChatCall call, CallCharge charge, Principal p, ChatRequest req, Instant now) {
        List<RateLimiter.Limit> limits = new ArrayList<>(2);
        KeyPolicy pol = p.policy();
        if (pol.rpm() != null || pol.tpm() != null) {
            limits.add(new RateLimiter.Limit("key:" + p.keyId(), pol.rpm(), pol.tpm()));
        }
        TenantPolicies.TenantPolicy t = tenants.get(charge.tenant);
        if (t != null && (t.rpm() != null || t.tpm() != null)) {
            limits.add(new RateLimiter.Limit("tenant:" + charge.tenant, t.rpm(), t.tpm()));
        }
        if (limits.isEmpty()) {
            return;
        }
        long out = req.outputCap() != null ? (long) req.outputCap() * n(req) : settings.tpmOutputEstimate();
        RateLimiter.Result r = limiter.acquire(limits, charge.promptEstimate + out, now.toEpochMilli());
        if (!r.admitted()) {
            (r.kind().equals("requests") ? metrics.rateLimitedRequests : metrics.rateLimitedTokens).increment();
            Map<String, String> h = RateLimitHeaders.of(r.status());
            RateLimitHeaders.retryAfter(h, r.retryAfterMs());
            throw new ApiException(429, ErrorMapper.RATE_LIMIT, "rate_limit_exceeded", null, "Rate limit reached for "
                    + r.kind() + " on " + r.rejected().scope() + ": limit " + limitOf(r) + " per minute. Please try "
                    + "again in " + RateLimitHeaders.duration(r.retryAfterMs()) + ".", h);
        }
        charge.ticket = r.ticket();
        RateLimitHeaders.of(r.status()).forEach(call::responseHeader);
    }

    private boolean namesAProvider(String model) {
        int slash = model.indexOf('/');
        return slash > 0 && isProvider.test(model.substring(0, slash));
    }

    /**
     * Before a deployment of a routed request is called: with {@code caravan.pricing.require-known} an unpriced
     * model is skipped (the chain moves on); otherwise the budget reservation grows to the worst case of this
     * model when that is more than what is reserved (a failover to a dearer model reserves the difference).
     */
    private String beforeAttempt(CallCharge charge, Principal p, ChatRequest req, long prompt, String provider,
            String model) {
        ModelInfo info = meter.catalog().priced(provider, model).orElse(null);
        if (info == null) {
            if (settings.requireKnown()) {
                metrics.priceRefused.increment();
                return "no_price";
            }
            return null;
        }
        List<BudgetStore.Limit> limits = budgetLimits(charge, p);
        if (limits.isEmpty()) {
            return null;
        }
        Instant now = clock.instant();
        long units = worstCase(info, req, prompt, now);
        synchronized (charge) {
            BudgetStore.Reservation held = charge.reservation;
            if (held != null && held.units() >= units) {
                return null;
            }
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            if (held != null) {
                budgets.settle(held, 0, today, new int[0]);
                charge.reservation = null;
            }
            charge.reservation = admit(limits, units, today);
        }
        return null;
    }

    private List<BudgetStore.Limit> budgetLimits(CallCharge charge, Principal p) {
        List<BudgetStore.Limit> limits = new ArrayList<>(2);
        if (p.policy().budget() != null) {
            limits.add(new BudgetStore.Limit("key:" + p.keyId(), p.policy().budget()));
        }
        TenantPolicies.TenantPolicy t = tenants.get(charge.tenant);
        if (t != null && t.budget() != null) {
            limits.add(new BudgetStore.Limit("tenant:" + charge.tenant, t.budget()));
        }
        return limits;
    }

    private void reserve(CallCharge charge, Principal p, ModelInfo model, boolean priced, ChatRequest req,
            long prompt, Instant now) {
        List<BudgetStore.Limit> limits = budgetLimits(charge, p);
        if (limits.isEmpty()) {
            return;
        }
        long units = priced ? worstCase(model, req, prompt, now) : 0;
        charge.reservation = admit(limits, units, LocalDate.ofInstant(now, ZoneOffset.UTC));
    }

    /** The most the call can cost on {@code model}, in money units: see {@link #maxOutput}. */
    private long worstCase(ModelInfo model, ChatRequest req, long prompt, Instant now) {
        return Pricing.worstCase(model, prompt, maxOutput(req, model, prompt), now).units();
    }

    /** Reserves {@code units}, or refuses the call with OpenAI's 429 {@code insufficient_quota}. */
    private BudgetStore.Reservation admit(List<BudgetStore.Limit> limits, long units, LocalDate today) {
        BudgetStore.Result r = budgets.reserve(limits, units, today);
        if (!r.admitted()) {
            metrics.budgetRefused.increment();
            BudgetStore.Snapshot s = r.exceeded();
            throw new ApiException(429, "insufficient_quota", "insufficient_quota", null, "Budget exhausted for "
                    + s.scope() + ": " + Money.plain(s.spentUnits()) + " of " + s.budget() + " USD spent since "
                    + s.periodStart() + ", " + Money.plain(s.reservedUnits()) + " reserved by calls in flight; this "
                    + "call may cost up to " + Money.plain(units) + ".");
        }
        return r.reservation();
    }

    /** The most output a call can produce: the client's cap, else the model's limit, else the configured default. */
    long maxOutput(ChatRequest req, ModelInfo model, long prompt) {
        long cap = req.outputCap() != null ? req.outputCap()
                : model != null && model.maxOutput() != null ? model.maxOutput() : settings.defaultMaxOutput();
        if (model != null && model.contextWindow() != null) {
            cap = Math.min(cap, Math.max(0, model.contextWindow() - prompt));
        }
        return cap * n(req);
    }

    private static int n(ChatRequest req) {
        return req.n() == null ? 1 : req.n();
    }

    private static String limitOf(RateLimiter.Result r) {
        return r.kind().equals("requests") ? r.rejected().rpm() + " requests" : r.rejected().tpm() + " tokens";
    }
}
