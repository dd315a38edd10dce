package dev.caravan.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** How keys look in the terminal. */
final class KeyTables {

    private KeyTables() {
    }

    static void list(JsonNode keys, PrintWriter out) {
        Table t = new Table("ID", "NAME", "TENANT", "STATUS", "MODELS", "RPM", "TPM", "BUDGET", "SPENT", "EXPIRES")
                .right(5, 6, 8);
        for (JsonNode k : keys) {
            t.row(k.path("id").asText(), text(k.path("name")), k.path("tenant").asText(), k.path("status").asText(),
                    models(k), text(k.path("rpm")), text(k.path("tpm")), budget(k), AdminClient.usd(k.at("/spend/spent_usd")),
                    text(k.path("expires_at")));
        }
        t.print(out);
        if (keys.isEmpty()) {
            out.println("(no keys)");
            out.flush();
        }
    }

    static void detail(JsonNode k, PrintWriter out) {
        Table t = new Table("FIELD", "VALUE");
        t.row("id", k.path("id").asText());
        t.row("name", text(k.path("name")));
        t.row("tenant", k.path("tenant").asText());
        t.row("status", k.path("status").asText());
        t.row("key", k.path("key_prefix").asText());
        t.row("models", models(k));
        t.row("rpm", text(k.path("rpm")));
        t.row("tpm", text(k.path("tpm")));
        t.row("budget", budget(k));
        if (k.has("spend")) {
            t.row("spent", AdminClient.usd(k.at("/spend/spent_usd")) + " USD since "
                    + k.at("/spend/period_start").asText());
            t.row("reserved", AdminClient.usd(k.at("/spend/reserved_usd")) + " USD");
            t.row("remaining", AdminClient.usd(k.at("/spend/remaining_usd")) + " USD");
        }
        t.row("expires", text(k.path("expires_at")));
        List<String> labels = new ArrayList<>();
        k.path("labels").fields().forEachRemaining(e -> labels.add(e.getKey() + "=" + e.getValue().asText()));
        t.row("labels", labels.isEmpty() ? "-" : String.join(", ", labels));
        t.row("tenant override", k.path("allow_tenant_override").asText());
        t.row("tags", k.path("allow_tags").asText());
        t.row("cache", k.path("cache").asText());
        t.row("created", k.path("created_at").asText());
        t.print(out);
    }

    private static String models(JsonNode k) {
        List<String> m = new ArrayList<>();
        k.path("models").forEach(n -> m.add(n.asText()));
        return m.isEmpty() ? "*" : String.join(",", m);
    }

    private static String budget(JsonNode k) {
        JsonNode b = k.path("budget");
        return b.isObject() ? AdminClient.usd(b.path("usd")) + "/" + b.path("period").asText() : "-";
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? "-" : n.asText();
    }
}
