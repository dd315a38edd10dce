package dev.caravan.routing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chains of deployments through the real routes against fault-injecting stubs: who answers, the attempt trace,
 * what triggers failover and what must not, timeouts, retries and the whole-request deadline.
 */
class FailoverRouteTest extends GatewayTestSupport {

    static final String ADMIN_KEY = "adm-test-key-0123456789";

    static String deployment(String id, String provider, String extra) {
        return RouteYaml.deployment(id, provider, "m-" + id, extra);
    }

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        String routing = deployment("a", "openai", "      - { name: timeoutMs, value: \"400\" }\n")
                + deployment("b", "groq", "")
                + deployment("r", "mistral", "      - { name: retries, value: \"2\" }\n      - { name: backoffMs, value: \"20\" }\n")
                + deployment("small", "deepseek", "      - { name: contextWindow, value: \"50\" }\n")
                + deployment("br", "together", """
                              - { name: minimumNumberOfCalls, value: "2" }
                              - { name: slidingWindowSize, value: "2" }
                              - { name: waitDurationInOpenStateMs, value: "500" }
                              - { name: permittedNumberOfCallsInHalfOpenState, value: "1" }
                        """)
                + RouteYaml.chain("ab", RouteYaml.FAILOVER, "a", "b")
                + RouteYaml.chain("rb", RouteYaml.FAILOVER, "r", "b")
                + deployment("cat", "fireworks", "")
                + RouteYaml.chain("small", RouteYaml.FAILOVER, "small", "b")
                + RouteYaml.chain("cat", RouteYaml.FAILOVER, "cat", "b")
                + RouteYaml.chain("breaker", RouteYaml.FAILOVER, "br", "b")
                + RouteYaml.chain("alone", RouteYaml.FAILOVER, "a")
                + RouteYaml.routeChatWhen("${header.CaravanModelAsked} startsWith 'chain/'",
                        "toD: \"direct:chain.${body.model.substring(6)}\"");
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), routing);
        // deployment "cat" states no context window or capabilities: they come from the price catalog
        Files.writeString(dir.resolve("models.yaml"), """
                models:
                  - provider: fireworks
                    model: m-cat
                    context_window: 300
                    capabilities: [tools]
                    prices: {input: 1, output: 2}
                    source: test
                    as_of: 2026-01-01
                """);
    }

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.admin.key", ADMIN_KEY);
    }

    static final String OK = """
            {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"ok from %s"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    /** Answers by provider path: {@code faults} maps a provider to what it does; others answer 200. */
    void upstream(Map<String, StubUpstream.Script> faults) {
        stub.always((req, reply) -> {
            String provider = req.path().split("/")[1];
            StubUpstream.Script s = faults.get(provider);
            if (s != null) {
                s.respond(req, reply);
            } else if (req.body().contains("\"stream\":true")) {
                reply.sse(List.of(StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok from " + provider
                        + "\"},\"finish_reason\":\"stop\"}]}"), "data: [DONE]\n\n"), 0);
            } else {
                reply.json(200, OK.formatted(provider));
            }
        });
    }

    HttpResponse<String> ask(String chain) {
        return chat("{\"model\":\"chain/" + chain + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    long calls(String provider) {
        return stub.requests().stream().filter(r -> r.path().startsWith("/" + provider + "/")).count();
    }

    @org.apache.camel.BeanInject
    org.apache.camel.CamelContext context;

    @BeforeEach
    void clear() {
        stub.reset();
        // each test starts with closed breakers: failures of earlier tests must not open them
        context.getRegistry().findSingleByType(DeploymentRegistry.class).breakers().getAllCircuitBreakers()
                .forEach(io.github.resilience4j.circuitbreaker.CircuitBreaker::reset);
    }

    @Test
    void failsOverOn429And5xxAnd529AndTellsWhoAnswered() {
        for (int status : new int[] {429, 500, 503, 529}) {
            stub.reset();
            upstream(Map.of("openai", (req, reply) -> reply.json(status, "{\"error\":{\"message\":\"busy\"}}",
                    "retry-after", "30")));
            HttpResponse<String> r = ask("ab");
            assertThat(r.statusCode()).as("status after upstream " + status).isEqualTo(200);
            assertThat(r.body()).contains("ok from groq");
            assertThat(r.headers().firstValue("x-caravan-deployment")).hasValue("b");
            assertThat(r.headers().firstValue("x-caravan-provider")).hasValue("groq");
            assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow())
                    .matches("a=" + status + "/\\d+ms, b=ok/\\d+ms");
        }
    }

    @Test
    void failsOverOnTimeoutAndConnectionErrors() {
        upstream(Map.of("openai", (req, reply) -> reply.hang(2000)));
        HttpResponse<String> r = ask("ab");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).startsWith("a=timeout/");

        stub.reset();
        upstream(Map.of("openai", (req, reply) -> reply.reset()));
        r = ask("ab");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).startsWith("a=connection/");
    }

    @Test
    void aClientErrorIsNotFailedOverAndKeepsItsStatus() {
        upstream(Map.of("openai", (req, reply) -> reply.json(400,
                "{\"error\":{\"message\":\"bad tool schema\",\"type\":\"invalid_request_error\",\"code\":\"x\"}}")));
        HttpResponse<String> r = ask("ab");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("bad tool schema");
        assertThat(calls("groq")).isZero();
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).matches("a=client_error/\\d+ms");
    }

    @Test
    void whenEveryDeploymentFailsTheClientGets503WithTheAttempts() {
        upstream(Map.of("openai", (req, reply) -> reply.json(500, "{}"),
                "groq", (req, reply) -> reply.json(429, "{}", "retry-after", "5")));
        HttpResponse<String> r = ask("ab");
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode err = json(r.body()).get("error");
        assertThat(err.get("code").asText()).isEqualTo("all_deployments_failed");
        assertThat(err.get("message").asText()).contains("a=500/").contains("b=429/");
        assertThat(r.headers().firstValue("x-caravan-attempts")).isPresent();
    }

    @Test
    void retriesAreBoundedAndThenTheChainMovesOn() {
        upstream(Map.of("mistral", (req, reply) -> reply.json(503, "{}")));
        HttpResponse<String> r = ask("rb");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(calls("mistral")).isEqualTo(3); // one call + two retries, no more
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow())
                .matches("r=503/\\d+ms, r=503/\\d+ms, r=503/\\d+ms, b=ok/\\d+ms");
    }

    @Test
    void aDeploymentWhoseContextWindowIsTooSmallIsSkippedAndTheTraceSaysWhy() {
        upstream(Map.of());
        String longPrompt = "word ".repeat(200);
        HttpResponse<String> r = chat("{\"model\":\"chain/small\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + longPrompt + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(calls("deepseek")).isZero();
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow())
                .startsWith("small=skipped:context_window(");
    }

    @Test
    void theCatalogSuppliesContextWindowAndCapabilitiesADeploymentDoesNotState() {
        upstream(Map.of());
        HttpResponse<String> small = ask("cat");
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.headers().firstValue("x-caravan-deployment")).hasValue("cat");

        HttpResponse<String> tooLong = chat("{\"model\":\"chain/cat\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "word ".repeat(600) + "\"}]}");
        assertThat(tooLong.headers().firstValue("x-caravan-attempts").orElseThrow())
                .matches("cat=skipped:context_window\\(\\d+>300\\)/0ms, b=ok/\\d+ms");
        assertThat(tooLong.headers().firstValue("x-caravan-deployment")).hasValue("b");

        HttpResponse<String> image = chat("""
                {"model":"chain/cat","messages":[{"role":"user","content":[{"type":"text","text":"what is it?"},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""");
        assertThat(image.headers().firstValue("x-caravan-attempts").orElseThrow()).matches("cat=skipped:no_vision/0ms, b=ok/\\d+ms");
        assertThat(image.headers().firstValue("x-caravan-deployment")).hasValue("b");
        assertThat(calls("fireworks")).isEqualTo(1);
    }

    @Test
    void anOpenBreakerSkipsTheDeploymentWithoutCallingItAndAHalfOpenProbeClosesIt() throws Exception {
        upstream(Map.of("together", (req, reply) -> reply.json(500, "{}")));
        ask("breaker");
        ask("breaker");
        assertThat(calls("together")).isEqualTo(2);
        assertThat(state("br")).isEqualTo("OPEN");

        HttpResponse<String> r = ask("breaker");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(calls("together")).as("open breaker: not called").isEqualTo(2);
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).startsWith("br=breaker_open/0ms");

        Thread.sleep(600);
        stub.reset();
        upstream(Map.of());
        r = ask("breaker");
        assertThat(r.headers().firstValue("x-caravan-deployment")).hasValue("br");
        assertThat(state("br")).isEqualTo("CLOSED");
    }

    @Test
    void theDeadlineBoundsRetriesAndFailover() {
        upstream(Map.of("openai", (req, reply) -> reply.hang(3000)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = ask("alone");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(ms).isLessThan(2000); // the deployment's 400 ms timeout, not the upstream's 3 s
    }

    @Test
    void streamsFailOverBeforeTheFirstByte() {
        upstream(Map.of("openai", (req, reply) -> {
            reply.startStream(200);
            reply.reset();
        }));
        StreamResult s = stream("{\"model\":\"chain/ab\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(s.events().get(0).at("/choices/0/delta/content").asText()).isEqualTo("ok from groq");
        assertThat(s.response().headers().firstValue("x-caravan-deployment")).hasValue("b");
        assertThat(s.response().headers().firstValue("x-caravan-attempts").orElseThrow()).startsWith("a=connection/");
    }

    static final String STREAM_AB = "{\"model\":\"chain/ab\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";

    @Test
    void aStreamSlowerToItsFirstByteThanTheTimeoutFailsOver() {
        upstream(Map.of("openai", (req, reply) -> {
            reply.hang(1500); // deployment a's timeout is 400 ms
            reply.startStream(200);
            reply.endStream();
        }));
        StreamResult s = stream(STREAM_AB);
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(s.events().get(0).at("/choices/0/delta/content").asText()).isEqualTo("ok from groq");
        assertThat(s.response().headers().firstValue("x-caravan-attempts").orElseThrow())
                .matches("a=timeout/\\d+ms, b=ok/\\d+ms");
    }

    @Test
    void aStreamThatFailsAfterItsFirstChunkIsNotFailedOverButEndsWithAnErrorEvent() {
        upstream(Map.of("openai", (req, reply) -> {
            reply.startStream(200);
            reply.chunk(StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"},"
                    + "\"finish_reason\":null}]}"));
            Thread.sleep(100);
            reply.reset();
        }));
        StreamResult s = stream(STREAM_AB);
        assertThat(s.response().statusCode()).isEqualTo(200);
        List<JsonNode> ev = s.events();
        assertThat(ev).hasSize(2);
        assertThat(ev.get(0).at("/choices/0/delta/content").asText()).isEqualTo("partial");
        assertThat(ev.get(1).at("/error/message").asText()).isNotEmpty();
        assertThat(s.endsWithDone()).isTrue();
        assertThat(calls("groq")).as("nothing is sent twice: no failover once the client has a chunk").isZero();
        assertThat(s.response().headers().firstValue("x-caravan-deployment")).hasValue("a");
    }

    @Test
    void breakerStateIsVisibleOnTheAdminPlaneAndInJmx() throws Exception {
        HttpResponse<String> denied = send(HttpRequest.newBuilder(adminUri("/admin/deployments")).GET().build());
        assertThat(denied.statusCode()).isEqualTo(401);
        HttpResponse<String> r = send(HttpRequest.newBuilder(adminUri("/admin/deployments"))
                .header("authorization", "Bearer " + ADMIN_KEY).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> ids = json(r.body()).findValuesAsText("id");
        assertThat(ids).contains("a", "b", "br", "r", "small");
        assertThat(json(r.body()).get("breaker_scope").asText()).isEqualTo("replica");
        assertThat(json(r.body()).get("replica_id").asText()).isNotBlank();
        Object state = ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("dev.caravan:type=deployments,name=\"b\""), "State");
        assertThat(state).isEqualTo("CLOSED");
    }


    String state(String id) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(adminUri("/admin/deployments"))
                .header("authorization", "Bearer " + ADMIN_KEY).GET().build());
        for (JsonNode d : json(r.body()).get("deployments")) {
            if (d.get("id").asText().equals(id)) {
                return d.get("state").asText();
            }
        }
        return null;
    }
}
