package dev.caravan.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.auth.Budget;
import dev.caravan.catalog.Cost;
import dev.caravan.catalog.FilePriceCatalog;
import dev.caravan.catalog.ModelInfo;
import dev.caravan.catalog.Pricing;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.db.Database;
import dev.caravan.keys.KeySecrets;
import dev.caravan.ledger.JdbcLedgerWriter;
import dev.caravan.ledger.LedgerRow;
import dev.caravan.money.BudgetStore;
import dev.caravan.money.CallCharge;
import dev.caravan.money.InMemoryBudgetStore;
import dev.caravan.money.InMemoryRateLimiter;
import dev.caravan.money.Meter;
import dev.caravan.money.RateLimitHeaders;
import dev.caravan.money.RateLimiter;
import dev.caravan.money.TokenEstimator;

/**
 * CPU of the money steps of one call, in process, single-threaded, after warm-up: what admission, the cost step
 * and the metering listener compute (key hash, catalog lookup, token estimate, RPM/TPM, rate-limit headers, worst
 * case and budget reservation, cost, cost JSON, settlement), and the ledger's insert per row into H2 (batches of
 * 400, off the request path).
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench.cp) dev.caravan.bench.MoneyStepsBench</pre>
 */
public final class MoneyStepsBench {

    public static void main(String[] args) throws Exception {
        steps();
        ledger();
    }

    static void steps() throws Exception {
        FilePriceCatalog catalog = new FilePriceCatalog(null);
        InMemoryRateLimiter limiter = new InMemoryRateLimiter();
        InMemoryBudgetStore budgets = new InMemoryBudgetStore((scope, from) -> 0);
        List<RateLimiter.Limit> limits = List.of(new RateLimiter.Limit("key:k", 1_000_000_000, 2_000_000_000));
        List<BudgetStore.Limit> budget = List.of(new BudgetStore.Limit("key:k", Budget.parse("1000000/month")));
        ObjectNode request = (ObjectNode) Json.MAPPER.readTree(MoneyPathBench.REQUEST);
        Usage usage = Usage.of(27, 42);
        int[] thresholds = {50, 80, 100};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 6; round++) {
            int n = 200_000;
            long sink = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += KeySecrets.hash("sk-cvn-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG").length();
                ModelInfo m = catalog.find("openai/gpt-4o-mini").orElseThrow();
                long prompt = TokenEstimator.promptTokens(request);
                RateLimiter.Result r = limiter.acquire(limits, prompt + 64, System.currentTimeMillis());
                sink += RateLimitHeaders.of(r.status()).size();
                LocalDate today = LocalDate.now(ZoneOffset.UTC);
                BudgetStore.Result b = budgets.reserve(budget, Pricing.worstCase(m, prompt, 64, Instant.now())
                        .units(), today);
                Cost c = Pricing.cost(m, TokenCounts.of(usage), Instant.now());
                CallCharge.Priced p = new CallCharge.Priced(c, TokenCounts.of(usage), m, false, false, null);
                ObjectNode u = Json.NODES.objectNode();
                Meter.write(u, p);
                sink += Meter.header(p).length();
                limiter.settle(r.ticket(), 69);
                sink += budgets.settle(b.reservation(), c.units(), today, thresholds).size();
            }
            long cpu1 = mx.getCurrentThreadCpuTime();
            System.out.printf("steps round %d: %.2f us CPU per call (%d)%n", round, (cpu1 - cpu0) / 1000.0 / n,
                    sink % 10);
        }
    }

    static void ledger() throws Exception {
        Path dir = Files.createTempDirectory("money-steps-bench");
        try (Database db = new Database("jdbc:h2:file:" + dir.resolve("caravan") + ";DB_CLOSE_ON_EXIT=FALSE", null,
                null, 2)) {
            JdbcLedgerWriter writer = new JdbcLedgerWriter(db);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long ts = System.currentTimeMillis();
            for (int round = 0; round < 6; round++) {
                int batches = 25;
                int size = 400;
                long cpu0 = mx.getCurrentThreadCpuTime();
                for (int b = 0; b < batches; b++) {
                    List<LedgerRow> rows = new ArrayList<>(size);
                    for (int i = 0; i < size; i++) {
                        rows.add(new LedgerRow("req_" + ts + "_" + i, ts++, "key_0123456789abcdef", "bench", null,
                                "openai/gpt-4o-mini", "openai", "gpt-4o-mini", "openai/gpt-4o-mini", null, 27, 42, 0,
                                0, 0, new BigDecimal("0.0000292500"), null, false, false, 200, "ok", null, false, 3,
                                null, "chat"));
                    }
                    writer.write(rows);
                }
                long cpu1 = mx.getCurrentThreadCpuTime();
                System.out.printf("ledger round %d: %.2f us CPU per row (writer thread)%n", round,
                        (cpu1 - cpu0) / 1000.0 / (batches * size));
            }
        }
    }
}
