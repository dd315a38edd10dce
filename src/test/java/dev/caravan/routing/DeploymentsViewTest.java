package dev.caravan.routing;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpResponse;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /admin/deployments} says its breakers are this replica's own, and which replica answered. */
class DeploymentsViewTest {

    @Test
    void theReplyNamesTheBreakerScopeAndTheReplica() throws Exception {
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            DefaultExchange ex = new DefaultExchange(ctx);
            new DeploymentsView(new DeploymentRegistry(), "caravan-2").process(ex);
            FullHttpResponse r = ex.getMessage().getBody(FullHttpResponse.class);
            JsonNode n = Json.MAPPER.readTree(r.content().toString(StandardCharsets.UTF_8));
            assertThat(n.get("breaker_scope").asText()).isEqualTo("replica");
            assertThat(n.get("replica_id").asText()).isEqualTo("caravan-2");
            assertThat(n.get("deployments").isArray()).isTrue();
        }
    }

    @Test
    void theReplicaIdIsTheConfiguredOneElseTheHostElseAGeneratedOne() {
        assertThat(ReplicaId.resolve(" eu-1 ")).isEqualTo("eu-1");
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = null;
            }
        }
        if (host != null && !host.isBlank() && !host.equals("localhost")) {
            assertThat(ReplicaId.resolve("")).isEqualTo(host.trim());
            assertThat(ReplicaId.resolve(null)).isEqualTo(host.trim());
        } else {
            assertThat(ReplicaId.resolve("")).matches("replica-[0-9a-f]{8}");
        }
    }
}
