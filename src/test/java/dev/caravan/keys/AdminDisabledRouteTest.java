package dev.caravan.keys;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Without an admin key the admin API refuses everything, and says how to enable it. */
class AdminDisabledRouteTest extends MoneyTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.admin.key", "");
    }

    @Test
    void everyAdminRequestIsRefused() {
        for (String path : new String[] {"/admin/keys", "/admin/spend", "/admin/keys/key_x"}) {
            HttpResponse<String> r = admin("GET", path, null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("admin_disabled");
            assertThat(json(r.body()).at("/error/message").asText()).contains("CARAVAN_ADMIN_KEY");
        }
        assertThat(admin("POST", "/admin/keys", "{\"tenant\":\"x\"}").statusCode()).isEqualTo(401);
    }
}
