package dev.caravan.ops.hawtio;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.CaravanConfiguration;
import dev.caravan.testing.GatewayTestSupport;
import org.apache.camel.test.main.junit5.CamelMainTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Hawtio console on the admin port at /hawtio, with JMX on as in production: closed without credentials,
 * serving the Camel plugin's data (Jolokia reads of Caravan's route MBeans) with them.
 */
@CamelMainTest(configurationClasses = CaravanConfiguration.class, useJmx = true)
class HawtioConsoleTest extends GatewayTestSupport {

    static final String ADMIN_KEY = "cvn-admin-test-key-0123456789abcdef";
    static final String ROUTE_STATE = "/hawtio/jolokia/read/org.apache.camel:context=caravan,type=routes,"
            + "name=%22api.http%22/State";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.admin.key", ADMIN_KEY);
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jolokiaAnswers401WithoutCredentials() {
        HttpResponse<String> r = get(ROUTE_STATE);
        assertThat(r.statusCode()).as(r.headers().map() + " " + r.body()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("Started");
    }

    @Test
    void wrongCredentialsAreRefused() {
        HttpResponse<String> r = get(ROUTE_STATE, "authorization", basic("admin", "not-the-admin-key"));
        assertThat(r.statusCode()).isIn(401, 403);
        assertThat(r.body()).doesNotContain("Started");
    }

    @Test
    void theAdminKeyReadsCaravansRouteMBeans() {
        HttpResponse<String> r = get(ROUTE_STATE, "authorization", basic("admin", ADMIN_KEY));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(200);
        assertThat(body.get("value").asText()).isEqualTo("Started");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("authorization"));

        // the Camel plugin lists routes through the context MBean: the user's router is there too
        HttpResponse<String> routes = get("/hawtio/jolokia/search/org.apache.camel:context=caravan,type=routes,*",
                "authorization", basic("admin", ADMIN_KEY));
        assertThat(routes.body()).contains("route.chat", "api.http", "admin.hawtio");
    }

    @Test
    void theConsolesLargestScriptPassesThroughTheProxyWhole() throws Exception {
        java.util.zip.ZipEntry largest = null;
        try (java.util.zip.ZipFile war = new java.util.zip.ZipFile("target/classes/hawtio/hawtio.war")) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(war.entries())) {
                if (e.getName().startsWith("static/") && (largest == null || e.getSize() > largest.getSize())) {
                    largest = e;
                }
            }
        }
        assertThat(largest.getSize()).isGreaterThan(1024 * 1024);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(adminUri("/hawtio/" + largest.getName())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat((long) r.body().length).isEqualTo(largest.getSize());
    }

    @Test
    void theConsolePageLoadsAndALoginOpensASession() {
        HttpResponse<String> page = get("/hawtio/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<base href=\"/hawtio/\"");

        HttpResponse<String> login = send(HttpRequest.newBuilder(adminUri("/hawtio/auth/login"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + ADMIN_KEY
                        + "\"}")).build());
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("JSESSIONID"))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        HttpResponse<String> r = get(ROUTE_STATE, "cookie", cookie);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).get("value").asText()).isEqualTo("Started");
    }
}
