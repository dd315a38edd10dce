package dev.caravan.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code caravan spend --by tenant,model --since 7d}: the ledger's totals as a table, or CSV. */
@Command(name = "spend", description = "Spending from the ledger, in total and by key, tenant, model, provider, "
        + "deployment, day or tags.", mixinStandardHelpOptions = true)
final class SpendCommand implements Callable<Integer> {

    @Mixin
    CaravanCli.Connection conn;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--by", split = ",", description = "Group by: key, tenant, model, provider, deployment, day, "
            + "tags (comma-separated).")
    List<String> by = new ArrayList<>();
    @Option(names = "--since", description = "ISO date or instant, or back from now: 7d, 24h, 30m (default: this "
            + "month).")
    String since;
    @Option(names = "--until", description = "End (exclusive), same forms (default: now).")
    String until;
    @Option(names = "--tenant", description = "Only this tenant.")
    String tenant;
    @Option(names = "--key", description = "Only this key id.")
    String key;
    @Option(names = "--csv", description = "Print CSV.")
    boolean csv;

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("/admin/spend?by=").append(enc(String.join(",", by)));
        param(q, "since", since);
        param(q, "until", until);
        param(q, "tenant", tenant);
        param(q, "key", key);
        var out = spec.commandLine().getOut();
        if (csv) {
            out.print(conn.client().text(q + "&format=csv"));
            out.flush();
            return 0;
        }
        JsonNode r = conn.client().get(q.toString());
        if (conn.json) {
            out.println(AdminClient.pretty(r));
            return 0;
        }
        List<String> header = new ArrayList<>();
        r.path("by").forEach(n -> header.add(n.asText().toUpperCase(java.util.Locale.ROOT)));
        int groups = header.size();
        header.addAll(List.of("REQUESTS", "COST USD", "UNPRICED", "SAVED USD", "PROMPT TOK", "COMPL TOK", "ERRORS"));
        Table t = new Table(header.toArray(String[]::new)).right(groups, groups + 1, groups + 2, groups + 3,
                groups + 4, groups + 5, groups + 6);
        for (JsonNode line : r.path("data")) {
            t.row(cells(line, r.path("by"), false));
        }
        t.row(cells(r.path("total"), r.path("by"), true));
        out.println("Spend " + r.path("since").asText() + " .. " + r.path("until").asText());
        t.print(out);
        return 0;
    }

    private static Object[] cells(JsonNode line, JsonNode by, boolean total) {
        List<Object> c = new ArrayList<>();
        for (int i = 0; i < by.size(); i++) {
            c.add(total ? (i == 0 ? "TOTAL" : "") : line.path(by.get(i).asText()).asText("-"));
        }
        c.add(line.path("requests").asText());
        c.add(AdminClient.usd(line.path("cost_usd")));
        c.add(line.path("unknown_cost_requests").asText());
        c.add(AdminClient.usd(line.path("saved_usd")));
        c.add(line.path("prompt_tokens").asText());
        c.add(line.path("completion_tokens").asText());
        c.add(line.path("errors").asText());
        return c.toArray();
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null && !value.isBlank()) {
            q.append('&').append(name).append('=').append(enc(value));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
