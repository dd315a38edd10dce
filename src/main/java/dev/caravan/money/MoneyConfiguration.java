package dev.caravan.money;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.admin.AdminGuard;
import dev.caravan.admin.AdminKeysApi;
import dev.caravan.admin.AdminSpendApi;
import dev.caravan.auth.Authenticator;
import dev.caravan.auth.CompositeAuthenticator;
import dev.caravan.cache.ResponseCache;
import dev.caravan.catalog.FilePriceCatalog;
import dev.caravan.db.Database;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.gateway.CallEvents;
import dev.caravan.keys.JdbcKeyStore;
import dev.caravan.keys.KeyStore;
import dev.caravan.keys.VirtualKeyAuthenticator;
import dev.caravan.ledger.JdbcLedgerWriter;
import dev.caravan.ledger.Ledger;
import dev.caravan.ledger.LedgerBatches;
import dev.caravan.ledger.LedgerQueries;
import dev.caravan.ledger.LedgerRetention;
import dev.caravan.ops.health.ReadinessCheck;
import dev.caravan.ops.health.TimedProbe;
import dev.caravan.ops.metrics.GatewayMetrics;
import dev.caravan.provider.ProviderRegistry;
import dev.caravan.routing.CatalogModelFacts;
import dev.caravan.state.SharedState;

/**
 * Wires keys and money: the price catalog, virtual keys (composed with the keys from configuration), admission
 * (limits, budgets, cache), cost on replies, the metering listener, the ledger, budget alerts and the admin API's
 * beans. Called once from {@code CaravanConfiguration}; every setting is documented in application.properties.
 * With {@code caravan.money.enabled=false} only configured keys authenticate and the money steps do nothing.
 */
public final class MoneyConfiguration {

    private MoneyConfiguration() {
    }

    /**
     * Binds the beans and returns the authenticator the API must use ({@link #authenticator}).
     * The money path reports on the operations plane: its counters, labelled cache hits and misses and the
     * ledger's unwritten rows through {@code gateway} (on {@code /metrics}), the ledger database in {@code /ready};
     * its metering listener goes first in {@code events}, so that the listeners after it report its price.
     */
    public static Authenticator configure(CamelContext ctx, Authenticator configKeys, CallEvents events,
            GatewayMetrics gateway) {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        Registry r = ctx.getRegistry();
        Clock clock = Clock.systemUTC();
        MoneyMetrics metrics = new MoneyMetrics();
        metrics.bindTo(gateway.registry());
        r.bind("moneyMetrics", metrics);
        Path configDir = Path.of(prop(pc, "caravan.config.dir", "config"));
        FilePriceCatalog catalog = new FilePriceCatalog(Path.of(prop(pc, "caravan.catalog.file",
                configDir.resolve("models.yaml").toString())));
        r.bind("priceCatalog", catalog);
        r.bind("modelFacts", new CatalogModelFacts(catalog, clock));
        if (!Boolean.parseBoolean(prop(pc, "caravan.money.enabled", "true"))) {
            bindDisabled(pc, r);
            return configKeys;
        }
        Path dataDir = Path.of(prop(pc, "caravan.data.dir", "data")).toAbsolutePath().normalize();
        boolean sync = durability(pc);
        Database db = database(pc, dataDir, sync);
        r.bind("caravanDatabase", db);
        TimedProbe dbProbe = new TimedProbe("ledger database", db::problem, 2_000);
        ReadinessCheck.register(ctx, "ledger", dbProbe);
        JdbcKeyStore keys = new JdbcKeyStore(db, clock);
        r.bind("keyStore", keys);
        keys.refreshEvery(intProp(pc, "caravan.keys.refresh-ms", 5000));
        LedgerQueries queries = new LedgerQueries(db);
        ResponseCache cache = cache(pc);
        // in memory, or shared by every replica in Redis (caravan.state.redis-url)
        SharedState state = SharedState.configure(ctx, gateway.registry(), new InMemoryRateLimiter(),
                new InMemoryBudgetStore(queries::spentSince), queries::spentSince, cache);
        RateLimiter limiter = state.limiter();
        BudgetStore budgets = state.budgets();
        MoneySettings settings = settings(pc);
        Meter meter = new Meter(catalog, clock);
        CacheStep cacheStep = new CacheStep(cache, metrics, gateway);
        Admission admission = new Admission(settings, meter, limiter, budgets,
                TenantPolicies.from(withPrefix(pc, TenantPolicies.PREFIX)), cacheStep, metrics, clock);
        if (r.lookupByName("providerRegistry") instanceof ProviderRegistry providers) {
            admission.providers(name -> providers.get(name) != null);
        }
        r.bind("admission", admission);
        r.bind("costStep", new CostStep(meter, cacheStep));

        Ledger ledger = ledger(ctx, pc, db, dataDir, metrics, sync);
        gateway.queueDepth("ledger", () -> (int) Math.min(Integer.MAX_VALUE, ledger.pending()));
        BudgetAlerts alerts = new BudgetAlerts(db, webhooks(prop(pc, "caravan.budget.alert-webhooks", "")),
                intProp(pc, "caravan.budget.alert-attempts", 5), intProp(pc, "caravan.budget.alert-retry-ms", 1000),
                metrics, clock);
        MeteringListener listener = new MeteringListener(meter, limiter, budgets, alerts, ledger, settings, metrics,
                clock);
        r.bind("adminGuard", new AdminGuard(prop(pc, "caravan.admin.key", "")));
        r.bind("adminKeys", new AdminKeysApi(keys, budgets, state.budgetChanged(), clock));
        r.bind("adminSpend", new AdminSpendApi(queries, metrics, clock));
        r.bind("ledgerRetention", new LedgerRetention(db, intProp(pc, "caravan.ledger.retention-days", 0), clock));

        boolean watch = Boolean.parseBoolean(prop(pc, "caravan.reload.enabled", "true"));
        addServices(ctx, db, dbProbe, ledger, alerts, catalog, events, listener, watch);
        return authenticator(configKeys, keys, clock);
    }

    /**
     * The API's authenticator: the keys from configuration first (a lookup in memory), then the virtual keys. A
     * configuration key never waits on the key store, whose lookup of a hash it has not seen reads the database
     * every few seconds (and, with the database down, waits for its connection time-out before answering).
     */
    static Authenticator authenticator(Authenticator configKeys, KeyStore keys, Clock clock) {
        return new CompositeAuthenticator(List.of(configKeys, new VirtualKeyAuthenticator(keys, clock)));
    }

    /** {@code caravan.money.enabled=false}: the steps do nothing and the admin API answers 503. */
    private static void bindDisabled(PropertiesComponent pc, Registry r) {
        Processor pass = exchange -> { };
        r.bind("admission", pass);
        r.bind("costStep", pass);
        Processor off = exchange -> {
            throw new ApiException(503, ErrorMapper.UNAVAILABLE, "money_disabled", null,
                    "Keys and spend are disabled (caravan.money.enabled=false).");
        };
        r.bind("adminGuard", off);
        r.bind("adminKeys", off);
        r.bind("adminSpend", off);
        r.bind("ledger", pass);
        r.bind("ledgerBatches", new LedgerBatches());
        r.bind("ledgerRetention", (Processor) exchange -> { });
        pc.addInitialProperty("caravan.ledger.aggregate-ms", "500");
    }

    /** {@code caravan.ledger.durability}: {@code async} (default) or {@code sync}; anything else stops the start. */
    static boolean durability(PropertiesComponent pc) {
        String d = prop(pc, "caravan.ledger.durability", "async");
        return switch (d) {
            case "async" -> false;
            case "sync" -> true;
            default -> throw new IllegalArgumentException(
                    "caravan.ledger.durability must be async or sync, not '" + d + "'");
        };
    }

    /** The database: {@code caravan.ledger.jdbc-url}, or the embedded H2 file in the data directory. */
    private static Database database(PropertiesComponent pc, Path dataDir, boolean sync) {
        String url = prop(pc, "caravan.ledger.jdbc-url", "");
        if (url.isBlank()) {
            url = "jdbc:h2:file:" + dataDir.resolve("caravan") + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        return new Database(h2Defaults(url, sync), prop(pc, "caravan.ledger.jdbc-user", ""),
                prop(pc, "caravan.ledger.jdbc-password", ""), intProp(pc, "caravan.ledger.pool-size", 4));
    }

    /**
     * On H2, what the URL does not set itself: {@code WRITE_DELAY} 0 with durability sync (H2 otherwise writes
     * committed transactions to its file up to 500 ms later, and a killed process loses them), else H2's default
     * 500, set explicitly because H2 keeps the setting in the database file; and {@code CACHE_SIZE} 1024 KB instead
     * of H2's 16 MB page cache. The ledger is written far more than read: with 16 MB, every page a batch insert
     * writes stayed cached long enough to be copied by the next young collection (2.7 MB of survivors per
     * collection at 1,000 req/s against 1 MB), which made those pauses, and so the latency tail, ~40% longer
     * (bench/RESULTS.md, "H2's page cache and the young collections").
     */
    static String h2Defaults(String url, boolean sync) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String out = url;
        if (!upper.contains("WRITE_DELAY")) {
            out += sync ? ";WRITE_DELAY=0" : ";WRITE_DELAY=500";
        }
        if (!upper.contains("CACHE_SIZE")) {
            out += ";CACHE_SIZE=1024";
        }
        return out;
    }

    private static MoneySettings settings(PropertiesComponent pc) {
        return new MoneySettings(Boolean.parseBoolean(prop(pc, "caravan.pricing.require-known", "false")),
                intProp(pc, "caravan.budget.default-max-output-tokens", 4096),
                intProp(pc, "caravan.limits.output-estimate-tokens", 1024),
                Arrays.stream(prop(pc, "caravan.budget.alert-thresholds", "50,80,100").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray());
    }

    /** The response cache, or null when {@code caravan.cache.enabled=false}. */
    private static ResponseCache cache(PropertiesComponent pc) {
        if (!Boolean.parseBoolean(prop(pc, "caravan.cache.enabled", "true"))) {
            return null;
        }
        return new ResponseCache(intProp(pc, "caravan.cache.max-entries", 10_000),
                Long.parseLong(prop(pc, "caravan.cache.max-bytes", "67108864")),
                Duration.ofSeconds(intProp(pc, "caravan.cache.ttl-seconds", 3600)));
    }

    /** A row waits at most feedMs in the ledger's buffer and aggregate-ms in the route: flush-ms in all. */
    private static Ledger ledger(CamelContext ctx, PropertiesComponent pc, Database db, Path dataDir,
            MoneyMetrics metrics, boolean sync) {
        int flushMs = Math.max(20, intProp(pc, "caravan.ledger.flush-ms", 500));
        int feedMs = Math.max(10, flushMs / 5);
        pc.addInitialProperty("caravan.ledger.aggregate-ms", Integer.toString(flushMs - feedMs));
        Ledger ledger = new Ledger(ctx, new JdbcLedgerWriter(db), dataDir.resolve("ledger-unwritten.jsonl"), metrics,
                feedMs, sync, intProp(pc, "caravan.ledger.batch-size", 500));
        ctx.getRegistry().bind("ledger", ledger);
        ctx.getRegistry().bind("ledgerBatches", new LedgerBatches());
        return ledger;
    }

    /** Start: listener registered, catalog watched. Stop (after the routes): ledger drained, then the database. */
    private static void addServices(CamelContext ctx, Database db, TimedProbe dbProbe, Ledger ledger,
            BudgetAlerts alerts, FilePriceCatalog catalog, CallEvents events, MeteringListener listener,
            boolean watch) throws RuntimeException {
        try {
            ctx.addService(new ServiceSupport() {
                @Override
                protected void doStart() {
                    // first: it prices the call, which the metrics and the access log then report
                    events.addFirst(listener);
                    if (watch) {
                        catalog.watch();
                    }
                }

                @Override
                protected void doStop() {
                    catalog.stop();
                    if (ctx.getRegistry().lookupByName("keyStore") instanceof JdbcKeyStore keys) {
                        keys.stopRefresh();
                    }
                    alerts.close();
                    dbProbe.close();
                    db.close();
                }
            });
            ctx.addService(ledger);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<URI> webhooks(String csv) {
        List<URI> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(URI.create(s.trim()));
            }
        }
        return out;
    }

    private static Properties withPrefix(PropertiesComponent pc, String prefix) {
        java.util.Set<String> names = new java.util.TreeSet<>(
                pc.loadProperties(k -> k.startsWith(prefix)).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(names::add);
        Properties p = new Properties();
        for (String n : names) {
            pc.resolveProperty(n).ifPresent(v -> p.setProperty(n, v));
        }
        return p;
    }

    static String prop(PropertiesComponent pc, String key, String def) {
        return pc.resolveProperty(key).map(String::trim).orElse(def);
    }

    static int intProp(PropertiesComponent pc, String key, int def) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).orElse(def);
    }
}
