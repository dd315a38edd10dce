package dev.caravan.ops;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import dev.caravan.ops.health.ReadinessCheck;
import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** /health and /ready on the admin plane, and readiness contributed by another feature. */
class HealthReadyTest extends GatewayTestSupport {

    @BeanInject
    CamelContext context;

    @Test
    void livenessIsUpOnTheAdminPort() {
        HttpResponse<String> r = adminGet("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json(r.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void readyWhenRoutesRunAndProvidersAreConfigured() {
        HttpResponse<String> r = adminGet("/ready?full");
        JsonNode body = json(r.body());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.findValuesAsText("id")).as(r.body()).contains("providers", "context", "route:api.http",
                "route:route.chat", "consumer:admin.ready");
        assertThat(body.findValuesAsText("status")).containsOnly("UP");
        // by default a healthy answer stays short
        assertThat(json(adminGet("/ready").body()).get("checks").size()).isEqualTo(1);
    }

    @Test
    void aRegisteredCheckThatFailsMakesTheGatewayNotReady() {
        AtomicReference<String> problem = new AtomicReference<>();
        ReadinessCheck.register(context, "ledger", problem::get);
        assertThat(adminGet("/ready").statusCode()).isEqualTo(200);

        problem.set("ledger database unreachable");
        HttpResponse<String> down = adminGet("/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode body = json(down.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.at("/checks/0/id").asText()).isEqualTo("ledger");
        assertThat(body.at("/checks/0/message").asText()).isEqualTo("ledger database unreachable");
        // readiness is not liveness: the process is still alive
        assertThat(adminGet("/health").statusCode()).isEqualTo(200);

        problem.set(null);
        assertThat(adminGet("/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aCheckThatThrowsCountsAsNotReady() {
        ReadinessCheck.register(context, "redis", () -> {
            throw new IllegalStateException("connection refused");
        });
        try {
            HttpResponse<String> r = adminGet("/ready");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("redis", "connection refused");
        } finally {
            context.getRegistry().unbind("readiness.redis");
        }
        assertThat(adminGet("/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void adminEndpointsAreNotOnThePublicPort() {
        // without a key the public port reveals nothing (401); with one, the admin paths do not exist there (404)
        assertThat(send(HttpRequest.newBuilder(uri("/ready")).GET().build()).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/ready")).header("authorization", "Bearer " + KEY).GET().build())
                .statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).header("authorization", "Bearer " + KEY).GET()
                .build()).statusCode()).isEqualTo(404);
    }

    @Test
    void onlyGetIsAllowed() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(adminUri("/ready"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).isEqualTo(405);
    }
}
