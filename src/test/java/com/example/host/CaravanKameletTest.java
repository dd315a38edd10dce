package com.example.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plain host Camel application (no Caravan configuration, no Camel Main) that uses Caravan as one endpoint:
 * {@code kamelet:caravan-chat-action}. The kamelet comes from the jar's classpath; routing, failover and provider
 * translation come from the host's Caravan config directory.
 */
class CaravanKameletTest extends CamelTestSupport {

    static final String PROVIDER_KEY = "sk-upstream-host-providerkey-24680";
    static StubUpstream stub;
    static Path config;

    static final String ANSWER = """
            {"id":"chatcmpl-k","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the stub"},
             "finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15}}""";

    /** The host's routing: openai first, groq when openai is unavailable (Camel's failover EIP). */
    static final String ROUTING = """
            - route:
                id: route.chat
                from:
                  uri: direct:route.chat
                  steps:
                    - choice:
                        when:
                          # a logical model name, decided on the same header as on the API
                          - simple: "${header.CaravanModelAsked} == 'house/fast' && ${header.CaravanTenant} == 'ops'"
                            steps:
                              - setHeader: { name: CaravanProvider, constant: groq }
                              - setHeader: { name: CaravanModel, constant: llama-3.1-8b-instant }
                              - to: direct:provider.groq.chat
                        otherwise:
                          steps:
                            - process:
                                ref: modelRouter
                            - loadBalance:
                                failoverLoadBalancer:
                                  exception:
                                    - dev.caravan.error.ProviderUnavailable
                                steps:
                                  - to: direct:provider.openai.chat
                                  - to: direct:provider.groq.chat
            """;

    @BeforeAll
    static void caravanConfig() throws Exception {
        stub = new StubUpstream();
        config = Files.createTempDirectory("host-caravan");
        GatewayTestSupport.copyTree(Path.of("config"), config);
        Files.writeString(config.resolve("routes/routing.camel.yaml"), ROUTING);
        System.setProperty("caravan.config.dir", config.toString());
        System.setProperty("caravan.reload.enabled", "false");
        System.setProperty("caravan.upstream.timeout-ms", "3000");
        for (String p : List.of("openai", "groq")) {
            System.setProperty("caravan.provider." + p + ".base-url", stub.baseUrl() + "/" + p);
            System.setProperty("caravan.provider." + p + ".api-key", PROVIDER_KEY);
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (String k : List.of("caravan.config.dir", "caravan.reload.enabled", "caravan.upstream.timeout-ms",
                "caravan.provider.openai.base-url", "caravan.provider.openai.api-key",
                "caravan.provider.groq.base-url", "caravan.provider.groq.api-key")) {
            System.clearProperty(k);
        }
        stub.close();
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ask")
                        .to("kamelet:caravan-chat-action?model=openai/gpt-4o-mini&systemPrompt=Be brief."
                                + "&temperature=0.3&keyId=host-app");
                from("direct:ask-json")
                        .to("kamelet:caravan-chat-action?model=openai/gpt-4o-mini&output=json");
                from("direct:ask-house")
                        .to("kamelet:caravan-chat-action?model=house/fast&tenant=ops");
            }
        };
    }

    @Test
    void aPromptBecomesAnAnswer() {
        SimpleMeterRegistry hostMetrics = new SimpleMeterRegistry();
        context.getRegistry().bind("metricsRegistry", hostMetrics);
        stub.always((req, reply) -> reply.json(200, ANSWER));
        String answer = template.requestBody("direct:ask", "Say hello", String.class);
        assertThat(answer).isEqualTo("Hello from the stub");
        // the call is counted in the host's own metrics registry, attributed to the kamelet's key id
        assertThat(hostMetrics.get("caravan.requests").tags("endpoint", "kamelet", "key_id", "host-app",
                "outcome", "ok").counter().count()).isEqualTo(1.0);

        StubUpstream.Recorded up = stub.lastRequest();
        assertThat(up.path()).isEqualTo("/openai/chat/completions");
        assertThat(up.header("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
        JsonNode sent = json(up.body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Say hello");
        assertThat(sent.has("stream")).isFalse();
    }

    /** The router sees the facts it sees on the API: the model asked for and the tenant, as headers. */
    @Test
    void theRouterDecidesOnTheSameHeadersAsOnTheApi() {
        stub.always((req, reply) -> reply.json(200, ANSWER));
        assertThat(template.requestBody("direct:ask-house", "Say hello", String.class))
                .isEqualTo("Hello from the stub");
        StubUpstream.Recorded up = stub.lastRequest();
        assertThat(up.path()).isEqualTo("/groq/chat/completions");
        assertThat(json(up.body()).get("model").asText()).isEqualTo("llama-3.1-8b-instant");
    }

    @Test
    void aWholeRequestAndTheJsonAnswerWithUsageHeaders() {
        stub.always((req, reply) -> reply.json(200, ANSWER));
        var out = template.request("direct:ask-json", e -> e.getMessage().setBody("""
                {"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"stream":true}"""));
        assertThat(out.getException()).isNull();
        JsonNode body = json(out.getMessage().getBody(String.class));
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(15);
        assertThat(out.getMessage().getHeader("CaravanPromptTokens", Long.class)).isEqualTo(11L);
        assertThat(out.getMessage().getHeader("CaravanProvider")).isEqualTo("openai");
        JsonNode sent = json(stub.lastRequest().body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(5);
        assertThat(sent.has("temperature")).as("an unset optional parameter sends nothing").isFalse();
        // an embedded call is never streamed
        assertThat(sent.path("stream").asBoolean(false)).isFalse();
    }

    @Test
    void theHostsRoutingFailsOverToTheNextProvider() {
        stub.always((req, reply) -> {
            if (req.path().startsWith("/openai/")) {
                reply.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
            } else {
                reply.json(200, ANSWER);
            }
        });
        assertThat(template.requestBody("direct:ask", "Say hello", String.class)).isEqualTo("Hello from the stub");
        assertThat(stub.requests()).extracting(StubUpstream.Recorded::path)
                .containsExactly("/openai/chat/completions", "/groq/chat/completions");
    }

    @Test
    void refusalsAndOutagesReachTheHostAsCaravansExceptions() {
        stub.always((req, reply) -> reply.json(400, "{\"error\":{\"message\":\"bad temperature\","
                + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":null}}"));
        assertThatThrownBy(() -> template.requestBody("direct:ask", "Say hello", String.class))
                .isInstanceOf(CamelExecutionException.class).cause().isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));

        stub.always((req, reply) -> reply.json(500, "{\"error\":{\"message\":\"down\"}}"));
        assertThatThrownBy(() -> template.requestBody("direct:ask", "Say hello", String.class))
                .cause().isInstanceOf(ProviderUnavailable.class);
    }

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
