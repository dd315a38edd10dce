package dev.caravan.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.caravan.api.Json;
import dev.caravan.catalog.Cost;
import dev.caravan.catalog.FilePriceCatalog;
import dev.caravan.ledger.LedgerReplay;
import dev.caravan.routing.RoutingFile;
import dev.caravan.support.Secrets;

/**
 * {@code caravan replay --ledger 2026-11 --routes candidate.camel.yaml}: what the recorded calls of a period would
 * have cost under another routing file (and price catalog), per tenant and model, against what they did cost.
 * Reads the ledger database directly (no gateway, no provider is called).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-prices the ledger's calls of a period "
        + "under another routing file and price catalog, without calling providers.")
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--ledger", required = true, paramLabel = "<period>", description = "Calls of this period (UTC): "
            + "2026-11, 2026-11-05, 2026-11-01..2026-11-30, or back from now: 7d, 24h, 30m.")
    String period;
    @Option(names = "--routes", required = true, paramLabel = "<file>", description = "The candidate routing file.")
    Path routes;
    @Option(names = "--catalog", paramLabel = "<file>", description = "Price catalog overrides on top of the "
            + "built-in catalog (default: <config-dir>/models.yaml when it exists).")
    Path catalog;
    @Option(names = "--config-dir", defaultValue = "config", description = "Configuration directory (default: "
            + "config).")
    Path configDir;
    @Option(names = "--data-dir", defaultValue = "data", description = "Where the embedded ledger database lives "
            + "(default: data).")
    Path dataDir;
    @Option(names = "--jdbc-url", description = "Ledger database URL (default: the embedded H2 file in --data-dir).")
    String jdbcUrl;
    @Option(names = "--jdbc-user", description = "Ledger database user.")
    String jdbcUser;
    @Option(names = "--jdbc-password", description = "Ledger database password (default: $CARAVAN_LEDGER_PASSWORD).")
    String jdbcPassword;
    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: table).")
    String format;

    Instant now = Instant.now();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new IllegalArgumentException("--format must be table, csv or json");
        }
        // the output is the report (csv and json are read by programs): the helper Camel context stays quiet
        if (org.slf4j.LoggerFactory.getLogger("org.apache.camel") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Periods.Period p = Periods.parse(period, now);
        if (!Files.isRegularFile(routes)) {
            throw new IllegalArgumentException("no routing file at " + routes);
        }
        Path overrides = catalog != null ? catalog : configDir.resolve("models.yaml");
        if (catalog != null && !Files.isRegularFile(catalog)) {
            throw new IllegalArgumentException("no catalog file at " + catalog);
        }
        FilePriceCatalog prices;
        try {
            prices = new FilePriceCatalog(Files.isRegularFile(overrides) ? overrides : null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("price catalog " + overrides + " rejected: " + e.getMessage(), e);
        }
        RoutingFile routing;
        try {
            routing = RoutingFile.load(routes);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String url = jdbcUrl != null && !jdbcUrl.isBlank() ? jdbcUrl
                : "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("caravan") + ";IFEXISTS=TRUE";
        String password = jdbcPassword != null ? jdbcPassword : System.getenv("CARAVAN_LEDGER_PASSWORD");
        if (password != null && !password.isBlank()) {
            Secrets.register(password);
        }
        LedgerReplay.Result r;
        try (routing; Connection c = DriverManager.getConnection(url, jdbcUser == null ? "" : jdbcUser,
                        password == null ? "" : password)) {
            r = LedgerReplay.run(c, p.from(), p.until(), routing, prices);
        } catch (java.sql.SQLException e) {
            err.println("error: cannot read the ledger: " + Secrets.scrub(e.getMessage()));
            err.flush();
            return 1;
        }
        switch (format) {
            case "csv" -> csv(out, r);
            case "json" -> out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(r)));
            default -> table(out, r);
        }
        out.flush();
        return 0;
    }

    private void table(PrintWriter out, LedgerReplay.Result r) {
        out.println("Replay of " + r.from() + " .. " + r.until() + " under " + routes);
        Table t = new Table("TENANT", "MODEL", "CALLS", "DID COST USD", "WOULD COST USD", "DELTA USD", "UNROUTABLE",
                "UNPRICED", "WOULD GO TO").right(2, 3, 4, 5, 6, 7);
        for (LedgerReplay.Line l : r.lines()) {
            t.row(cells(l, true));
        }
        t.row(cells(r.total(), false));
        t.print(out);
    }

    private static Object[] cells(LedgerReplay.Line l, boolean plans) {
        return new Object[] {l.tenant(), l.model(), l.calls(), Cost.plain(l.didUsd()), Cost.plain(l.wouldUsd()),
                signed(l.deltaUsd()), l.unroutable(), l.unpriced(), plans ? String.join(" | ", l.wouldGoTo()) : ""};
    }

    private static String signed(BigDecimal v) {
        return v.signum() > 0 ? "+" + Cost.plain(v) : Cost.plain(v);
    }

    private static void csv(PrintWriter out, LedgerReplay.Result r) {
        out.println("tenant,model,calls,did_usd,would_usd,delta_usd,unroutable,unpriced,would_go_to");
        for (LedgerReplay.Line l : r.lines()) {
            csvLine(out, l);
        }
        csvLine(out, r.total());
    }

    private static void csvLine(PrintWriter out, LedgerReplay.Line l) {
        out.println(String.join(",", quote(l.tenant()), quote(l.model()), Long.toString(l.calls()),
                Cost.plain(l.didUsd()), Cost.plain(l.wouldUsd()), Cost.plain(l.deltaUsd()),
                Long.toString(l.unroutable()), Long.toString(l.unpriced()), quote(String.join(" | ", l.wouldGoTo()))));
    }

    private static String quote(String s) {
        String v = s == null ? "" : s;
        // a cell a spreadsheet would run as a formula is quoted as text
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("'")
                ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private ObjectNode json(LedgerReplay.Result r) {
        ObjectNode n = Json.NODES.objectNode();
        n.put("object", "replay");
        n.put("from", r.from().toString());
        n.put("until", r.until().toString());
        n.put("routes", routes.toString());
        ArrayNode data = n.putArray("data");
        r.lines().forEach(l -> data.add(line(l)));
        n.set("total", line(r.total()));
        return n;
    }

    private static ObjectNode line(LedgerReplay.Line l) {
        ObjectNode n = Json.NODES.objectNode();
        n.put("tenant", l.tenant());
        n.put("model", l.model());
        n.put("calls", l.calls());
        n.put("did_usd", l.didUsd());
        n.put("would_usd", l.wouldUsd());
        n.put("delta_usd", l.deltaUsd());
        n.put("unroutable", l.unroutable());
        n.put("unpriced", l.unpriced());
        l.wouldGoTo().forEach(n.putArray("would_go_to")::add);
        return n;
    }
}
