package dev.caravan.keys;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every admin API endpoint refuses a request without the admin key (none, a wrong one, the gateway key, Basic
 * credentials) with 401 in the OpenAI envelope, and does nothing: no key created, changed or revoked.
 */
class AdminPlaneRefusalTest extends MoneyTestSupport {

    record Call(String method, String path, String body) {
    }

    @Test
    void everyAdminEndpointRefusesWithoutTheAdminKeyAndChangesNothing() {
        NewKey k = createKey("{\"tenant\":\"refusal\",\"rpm\":100}");
        String before = admin("GET", "/admin/keys?include_revoked=true", null).body();
        List<Call> calls = List.of(new Call("GET", "/admin/keys", null),
                new Call("POST", "/admin/keys", "{\"tenant\":\"intruder\"}"),
                new Call("GET", "/admin/keys/" + k.id(), null),
                new Call("PATCH", "/admin/keys/" + k.id(), "{\"rpm\":1}"),
                new Call("DELETE", "/admin/keys/" + k.id(), null),
                new Call("POST", "/admin/keys/" + k.id() + "/revoke", null),
                new Call("GET", "/admin/spend?by=tenant", null),
                new Call("GET", "/admin/spend/metrics", null),
                new Call("GET", "/admin/deployments", null));
        List<String> credentials = new ArrayList<>();
        credentials.add(null);
        credentials.add("Bearer not-the-admin-key");
        credentials.add("Bearer " + KEY);
        credentials.add("Bearer " + k.secret());
        credentials.add("Basic YWRtaW46" + "YWRtaW4=");
        for (Call c : calls) {
            for (String auth : credentials) {
                HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(c.path()))
                        .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(c.body()));
                if (c.body() != null) {
                    b.header("content-type", "application/json");
                }
                if (auth != null) {
                    b.header("authorization", auth);
                }
                HttpResponse<String> r = send(b.build());
                assertThat(r.statusCode()).as(c + " with " + (auth == null ? "no credentials" : auth.split(" ")[0]))
                        .isEqualTo(401);
                assertThat(json(r.body()).at("/error/type").asText()).isNotEmpty();
                assertThat(r.body()).doesNotContain(k.id() + "\",\"name").doesNotContain("refusal");
            }
        }
        assertThat(admin("GET", "/admin/keys?include_revoked=true", null).body()).isEqualTo(before);
        assertThat(chatAs(k.secret(), ask("nosuchprovider/model")).statusCode()).as("the key still works")
                .isEqualTo(404);
    }
}
