package dev.caravan.money;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tenant and tags come from the request only when the key allows it; the ledger records the attribution. */
class AttributionRouteTest extends MoneyTestSupport {

    @BeforeEach
    void answer() {
        stub.reset();
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 5, 0, 0)));
    }

    @Test
    void aKeyThatAllowsItMayNameTheTenantAndTags() {
        NewKey k = createKey("{\"tenant\":\"platform\",\"allow_tenant_override\":true,\"allow_tags\":true}");
        // tags on two header lines: read as one comma-separated list
        chatAs(k.secret(), ask("openai/gpt-4o-mini"), "x-caravan-tenant", "customer-1", "x-caravan-tags",
                "batch", "x-caravan-tags", " nightly ,batch");
        chatAs(k.secret(), "{\"model\":\"openai/gpt-4o-mini\",\"metadata\":{\"tenant\":\"customer-2\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        chatAs(k.secret(), ask("openai/gpt-4o-mini"));
        List<Map<String, Object>> rows = awaitRows(k.id(), 3);
        assertThat(rows).extracting(r -> r.get("tenant")).containsExactly("customer-1", "customer-2", "platform");
        assertThat(rows.get(0).get("tags")).isEqualTo("batch,nightly");
        var spend = json(admin("GET", "/admin/spend?by=tenant&key=" + k.id(), null).body());
        assertThat(spend.get("data")).hasSize(3);
        // metrics (and the access log) attribute the calls the same way
        assertThat(adminGet("/metrics").body()).containsPattern("caravan_requests_total\\{[^}]*tenant=\"customer-1\"")
                .containsPattern("caravan_requests_total\\{[^}]*tenant=\"customer-2\"");
    }

    @Test
    void aKeyThatDoesNotAllowItKeepsItsOwnTenantAndNoTags() {
        NewKey k = createKey("{\"tenant\":\"fixed\"}");
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini"), "x-caravan-tenant", "someone-else",
                "x-caravan-tags", "x").statusCode()).isEqualTo(200);
        List<Map<String, Object>> rows = awaitRows(k.id(), 1);
        assertThat(rows.get(0).get("tenant")).isEqualTo("fixed");
        assertThat(rows.get(0).get("tags")).isNull();
    }

    List<Map<String, Object>> awaitRows(String keyId, int n) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> rows(keyId).size() >= n);
        return rows(keyId);
    }

    List<Map<String, Object>> rows(String keyId) {
        return ledger().stream().filter(r -> keyId.equals(r.get("key_id"))).toList();
    }
}
