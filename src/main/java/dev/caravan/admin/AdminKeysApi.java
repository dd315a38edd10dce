package dev.caravan.admin;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.gateway.HttpReplies;
import dev.caravan.keys.KeyJson;
import dev.caravan.keys.KeyStore;
import dev.caravan.keys.VirtualKey;
import dev.caravan.money.BudgetStore;
import dev.caravan.money.Money;

/**
 * {@code /admin/keys}: create ({@code POST}; the key is in the reply, once), list ({@code GET}, {@code ?tenant=},
 * {@code ?include_revoked=true}), get ({@code GET /admin/keys/{id}}, with the budget's current spend), update
 * ({@code PATCH /admin/keys/{id}}) and revoke ({@code DELETE /admin/keys/{id}} or
 * {@code POST /admin/keys/{id}/revoke}). Changes apply to the key's next request.
 */
public final class AdminKeysApi implements Processor {

    static final String PREFIX = "/admin/keys";
    private static final Logger AUDIT = LoggerFactory.getLogger("caravan.admin");

    private final KeyStore keys;
    private final BudgetStore budgets;
    private final java.util.function.Consumer<String> budgetChanged;
    private final Clock clock;

    public AdminKeysApi(KeyStore keys, BudgetStore budgets, java.util.function.Consumer<String> budgetChanged,
            Clock clock) {
        this.keys = keys;
        this.budgets = budgets;
        this.budgetChanged = budgetChanged;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        AdminRequest req = AdminRequest.of(exchange);
        String rest = req.rest(PREFIX);
        String[] parts = rest.isEmpty() ? new String[0] : rest.split("/");
        if (!req.path().startsWith(PREFIX) || parts.length > 2 || parts.length == 2 && !parts[1].equals("revoke")) {
            throw AdminRequest.notFound("No admin resource at " + req.path() + ".");
        }
        String m = req.method();
        if (parts.length == 0) {
            switch (m) {
                case "GET" -> reply(exchange, 200, list(req));
                case "POST" -> reply(exchange, 201, create(req));
                default -> throw AdminRequest.methodNotAllowed(m, req.path(), "GET, POST");
            }
            return;
        }
        String id = parts[0];
        if (parts.length == 2) {
            if (!m.equals("POST")) {
                throw AdminRequest.methodNotAllowed(m, req.path(), "POST");
            }
            reply(exchange, 200, revoke(id));
            return;
        }
        switch (m) {
            case "GET" -> reply(exchange, 200, withSpend(find(id)));
            case "PATCH", "PUT" -> reply(exchange, 200, update(id, req));
            case "DELETE" -> reply(exchange, 200, revoke(id));
            default -> throw AdminRequest.methodNotAllowed(m, req.path(), "GET, PATCH, DELETE");
        }
    }

    private ObjectNode create(AdminRequest req) {
        var body = req.json();
        KeyStore.Created c = keys.create(k -> KeyJson.apply(k, body));
        AUDIT.info("key {} created for tenant {}", c.key().id(), c.key().tenant());
        ObjectNode n = withSpend(c.key());
        n.put("key", c.secret());
        return n;
    }

    private ObjectNode list(AdminRequest req) {
        boolean all = "true".equalsIgnoreCase(req.query().get("include_revoked"));
        ObjectNode n = Json.NODES.objectNode();
        n.put("object", "list");
        ArrayNode data = n.putArray("data");
        for (VirtualKey k : keys.list(req.query().get("tenant"), all)) {
            data.add(withSpend(k));
        }
        return n;
    }

    private ObjectNode update(String id, AdminRequest req) {
        var body = req.json();
        VirtualKey before = find(id);
        VirtualKey k = keys.update(id, old -> KeyJson.apply(old, body)).orElseThrow();
        if (!Objects.equals(before.budget(), k.budget())) {
            budgetChanged.accept("key:" + id);
        }
        AUDIT.info("key {} updated: {}", id, body.properties().stream().map(Map.Entry::getKey).toList());
        return withSpend(k);
    }

    private ObjectNode revoke(String id) {
        find(id);
        VirtualKey k = keys.update(id, old -> new VirtualKey(old.id(), old.name(), old.tenant(), old.labels(),
                old.models(), old.rpm(), old.tpm(), old.budget(), old.expiresAt(), VirtualKey.Status.REVOKED,
                old.allowTenantOverride(), old.allowTags(), old.cache(), old.keyHash(), old.keyPrefix(),
                old.createdAt(), old.updatedAt(), old.traceContent())).orElseThrow();
        AUDIT.info("key {} revoked", id);
        return withSpend(k);
    }

    private VirtualKey find(String id) {
        return keys.get(id).orElseThrow(() -> AdminRequest.notFound("No key with id '" + id + "'."));
    }

    private ObjectNode withSpend(VirtualKey k) {
        ObjectNode n = KeyJson.toJson(k);
        if (k.budget() != null) {
            BudgetStore.Snapshot s = budgets.snapshot(new BudgetStore.Limit("key:" + k.id(), k.budget()),
                    LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
            ObjectNode sp = n.putObject("spend");
            sp.put("period_start", s.periodStart().toString());
            sp.set("spent_usd", AdminReplies.number(Money.usd(s.spentUnits())));
            sp.set("reserved_usd", AdminReplies.number(Money.usd(s.reservedUnits())));
            long left = Money.units(k.budget().usd()) - s.spentUnits() - s.reservedUnits();
            sp.set("remaining_usd", AdminReplies.number(Money.usd(Math.max(0, left))));
        }
        return n;
    }

    private static void reply(Exchange exchange, int status, ObjectNode body) throws IOException {
        HttpReplies.json(exchange, status, Json.MAPPER.writeValueAsBytes(body), Map.of());
    }
}
