package dev.caravan.routing;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A step of the routing file after the deployment fails once the deployment's stream has started: the client gets
 * the error, the stream is dropped at once (the provider's connection closed, nothing more read) and the attempt
 * counts for the breaker as the provider's success.
 */
class AbandonedStreamRouteTest extends GatewayTestSupport {

    @BeanInject
    CamelContext context;

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), RouteYaml.deployment("x", "openai", "m-x", "")
                + RouteYaml.routeChat("""
                - to: "direct:deployment.x"
                - throwException:
                    exceptionType: java.lang.IllegalStateException
                    message: "a step after the deployment failed"
                """));
    }

    @Test
    void theStreamIsDroppedAndTheProviderCountsAsHavingWorked() {
        AtomicBoolean gatewayClosed = new AtomicBoolean();
        stub.always((req, reply) -> {
            reply.startStream(200);
            // a long answer: one chunk every 50 ms for 10 s, unless the gateway closes the connection
            for (int i = 0; i < 200; i++) {
                if (!reply.chunk(StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"m-x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + i + " \"},"
                        + "\"finish_reason\":null}]}"))) {
                    gatewayClosed.set(true);
                    return;
                }
                Thread.sleep(50);
            }
            reply.chunk("data: [DONE]\n\n");
            reply.endStream();
        });
        long t0 = System.nanoTime();
        HttpResponse<String> r = chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(r.body()).contains("\"error\"").doesNotContain("w0");
        // the provider's connection is closed long before its 10 s answer would have ended
        await().atMost(Duration.ofSeconds(3)).untilTrue(gatewayClosed);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        CircuitBreaker b = context.getRegistry().findSingleByType(DeploymentRegistry.class).breakers()
                .circuitBreaker("deployment.x");
        assertThat(b.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(b.getMetrics().getNumberOfFailedCalls()).isZero();
    }
}
