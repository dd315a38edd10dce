package dev.caravan.keys;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Virtual keys through the admin API; every change applies to the key's next request. */
class AdminKeysRouteTest extends MoneyTestSupport {

    @BeforeEach
    void answer() {
        stub.reset();
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 5, 0, 0)));
    }

    @Test
    void aKeyIsShownOnceStoredAsAHashAndWorksAtOnce() throws Exception {
        NewKey k = createKey("""
                {"name":"ci","tenant":"acme","labels":{"env":"dev"},"models":["openai/*"],"rpm":60,
                 "budget":"50/month","expires_at":"2099-01-01"}""");
        assertThat(k.secret()).startsWith("sk-cvn-").hasSize(7 + 43);
        assertThat(k.id()).startsWith("key_");
        assertThat(k.json().get("tenant").asText()).isEqualTo("acme");
        assertThat(k.json().at("/budget/usd").asText()).isEqualTo("50");
        assertThat(k.json().at("/spend/spent_usd").asText()).isEqualTo("0");
        assertThat(k.json().get("expires_at").asText()).isEqualTo("2099-01-01T00:00:00Z");

        HttpResponse<String> got = admin("GET", "/admin/keys/" + k.id(), null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(json(got.body()).has("key")).isFalse();
        assertThat(got.body()).doesNotContain(k.secret());
        assertThat(json(got.body()).get("key_prefix").asText()).isEqualTo(k.secret().substring(0, 13) + "…");
        try (var c = database().connection(); var rs = c.createStatement().executeQuery(
                "SELECT key_hash FROM caravan_keys WHERE id = '" + k.id() + "'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(KeySecrets.hash(k.secret())).doesNotContain(k.secret());
        }

        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
        JsonNode list = json(admin("GET", "/admin/keys?tenant=acme", null).body());
        assertThat(list.get("data")).anySatisfy(n -> assertThat(n.get("id").asText()).isEqualTo(k.id()));
        assertThat(json(admin("GET", "/admin/keys?tenant=nobody", null).body()).get("data")).isEmpty();
    }

    @Test
    void revocationAppliesToTheNextRequest() {
        NewKey k = createKey("{\"tenant\":\"acme\"}");
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = admin("DELETE", "/admin/keys/" + k.id(), null);
        assertThat(json(revoked.body()).get("status").asText()).isEqualTo("revoked");
        HttpResponse<String> r = chatAs(k.secret(), ask("openai/gpt-4o-mini"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("key_revoked");
        // listed only on request
        assertThat(admin("GET", "/admin/keys", null).body()).doesNotContain(k.id());
        assertThat(admin("GET", "/admin/keys?include_revoked=true", null).body()).contains(k.id());
    }

    @Test
    void expiryAndScopeApplyToTheNextRequest() {
        NewKey k = createKey("{\"tenant\":\"acme\",\"models\":[\"openai/gpt-4o*\"]}");
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = chatAs(k.secret(), ask("mistral/mistral-small-latest"));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(json(denied.body()).at("/error/code").asText()).isEqualTo("model_not_allowed");
        int before = stub.requests().size();

        admin("PATCH", "/admin/keys/" + k.id(), "{\"models\":[\"mistral/*\"]}");
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(403);
        assertThat(stub.requests()).hasSize(before);

        admin("PATCH", "/admin/keys/" + k.id(), "{\"models\":null,\"expires_at\":\""
                + Instant.now().minusSeconds(1) + "\"}");
        HttpResponse<String> expired = chatAs(k.secret(), ask("openai/gpt-4o-mini"));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(json(expired.body()).at("/error/code").asText()).isEqualTo("key_expired");

        admin("PATCH", "/admin/keys/" + k.id(), "{\"expires_at\":null}");
        assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownKeysAndConfiguredKeysAuthenticateAsBefore() {
        assertThat(chatAs("sk-cvn-not-a-key", ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(401);
        assertThat(chat(ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200); // caravan.keys.test
    }

    @Test
    void badRequestsAreOpenAiErrorsThatNameTheField() {
        HttpResponse<String> r = admin("POST", "/admin/keys", "{\"tenant\":\"a\",\"rpm\":-1}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/param").asText()).isEqualTo("rpm");
        r = admin("POST", "/admin/keys", "{\"tenant\":\"a\",\"budjet\":\"5/day\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/message").asText()).contains("budjet");
        r = admin("POST", "/admin/keys", "{\"tenant\":\"a\",\"budget\":\"5/year\"}");
        assertThat(json(r.body()).at("/error/message").asText()).contains("day, week or month");
        assertThat(admin("GET", "/admin/keys/key_nope", null).statusCode()).isEqualTo(404);
        assertThat(admin("PUT", "/admin/keys", "{}").statusCode()).isEqualTo(405);
    }

    @Test
    void theAdminApiNeedsTheAdminKeyAndEchoesNothing() {
        HttpRequest noKey = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/keys"))
                .header("x-secret-header", "s3cr3t").GET().build();
        HttpResponse<String> r = send(noKey);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("missing_admin_key");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("x-secret-header"));
        HttpRequest wrong = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/spend"))
                .header("authorization", "Bearer " + KEY).GET().build();
        assertThat(send(wrong).statusCode()).isEqualTo(401);
        // the gateway key is not an admin key, and the admin key is not a gateway key
        assertThat(chatAs(ADMIN_KEY, ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(401);
    }
}
