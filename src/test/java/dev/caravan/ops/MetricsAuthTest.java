package dev.caravan.ops;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** caravan.metrics.require-admin-key=true: /metrics answers only with the admin key; health stays open. */
class MetricsAuthTest extends GatewayTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.metrics.require-admin-key", "true");
    }

    HttpResponse<String> metrics(String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri("/metrics")).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    @Test
    void metricsNeedTheAdminKey() {
        HttpResponse<String> none = metrics(null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none.body()).at("/error/code").asText()).isEqualTo("missing_admin_key");
        assertThat(none.body()).doesNotContain("caravan_");

        HttpResponse<String> wrong = metrics("Bearer not-the-admin-key");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong.body()).at("/error/code").asText()).isEqualTo("invalid_admin_key");
        assertThat(wrong.body()).doesNotContain(ADMIN_KEY);

        HttpResponse<String> ok = metrics("Bearer " + ADMIN_KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("jvm_");

        assertThat(adminGet("/health").statusCode()).isEqualTo(200);
    }
}
