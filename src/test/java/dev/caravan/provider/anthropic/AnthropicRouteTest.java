package dev.caravan.provider.anthropic;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.testing.FixtureReplay;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real routes against a stub that speaks the Messages API: every fixture is replayed with real pacing, and the
 * stub refuses what the real API refuses (missing max_tokens, roles out of alternation, system in messages,
 * misplaced or orphan tool results, thinking rules).
 */
class AnthropicRouteTest extends GatewayTestSupport {

    static final FixtureReplay.Upstream MESSAGES_API = new FixtureReplay.Upstream() {
        @Override
        public List<String> violations(StubUpstream.Recorded req, JsonNode body) {
            List<String> v = new ArrayList<>(AnthropicApiRules.violations(body));
            if (!"/anthropic/v1/messages".equals(req.path())) {
                v.add("path " + req.path());
            }
            if (!PROVIDER_KEY.equals(req.header("x-api-key")) || !"2023-06-01".equals(req.header("anthropic-version"))) {
                v.add("x-api-key and anthropic-version are required");
            }
            if (req.header("authorization") != null) {
                v.add("the gateway key must not reach the provider");
            }
            return v;
        }

        @Override
        public String errorBody(String message) {
            return "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(message) + "},\"request_id\":\"req_stub\"}";
        }
    };

    @BeforeEach
    void clear() {
        stub.reset();
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureThroughTheRoutes() {
        return Fixtures.cases("anthropic").stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> replay(dir)));
    }

    private void replay(Path dir) {
        stub.reset();
        List<String> problems = new CopyOnWriteArrayList<>();
        stub.always(FixtureReplay.script(dir, MESSAGES_API, 15, problems));
        FixtureReplay.check(dir, this, stub, problems);
    }

    @Test
    void theClientsAnthropicBetaIsTheOnlyClientHeaderForwarded() {
        Path dir = Path.of("src/test/resources/fixtures/anthropic/system-developer-multi-turn");
        stub.always(FixtureReplay.script(dir, MESSAGES_API, 0, new CopyOnWriteArrayList<>()));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .header("anthropic-beta", "context-1m-2025-08-07").header("anthropic-version", "2099-01-01")
                .header("x-custom", "secret-value")
                .POST(HttpRequest.BodyPublishers.ofString(Fixtures.text(dir, "request.json"))).build());
        assertThat(r.statusCode()).isEqualTo(200);
        StubUpstream.Recorded up = stub.lastRequest();
        assertThat(up.header("anthropic-beta")).isEqualTo("context-1m-2025-08-07");
        assertThat(up.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(up.headers()).doesNotContainKeys("x-custom", "authorization");
        assertThat(up.body()).doesNotContain(KEY);
    }

    @Test
    void streamArrivesWhileTheUpstreamIsStillProducing() {
        Path dir = Path.of("src/test/resources/fixtures/anthropic/tool-call-stream");
        List<StubUpstream.Reply> replies = stub.replies();
        stub.always(FixtureReplay.script(dir, MESSAGES_API, 80, new CopyOnWriteArrayList<>()));
        StreamResult s = stream(Fixtures.text(dir, "request.json"));
        long lastUpstreamEvent = replies.get(0).lastEventNanos();
        assertThat(s.lines().get(0).atNanos()).isLessThan(lastUpstreamEvent - TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void overloadedBeforeTheFirstEventIsAProviderFailureTheClientSeesAs503() {
        stub.always((req, reply) -> reply.json(529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
                "retry-after", "3"));
        StreamResult s = stream("""
                {"model":"anthropic/claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(s.response().statusCode()).isEqualTo(503);
        assertThat(s.response().headers().firstValue("retry-after")).hasValue("3");
    }

    @Test
    void theStubRefusesWhatTheMessagesApiRefuses() {
        assertThat(AnthropicApiRules.violations(json("""
                {"model":"m","messages":[{"role":"user","content":"a"}]}"""))).anyMatch(v -> v.contains("max_tokens"));
        assertThat(AnthropicApiRules.violations(json("""
                {"model":"m","max_tokens":5,"messages":[{"role":"system","content":"s"},
                 {"role":"user","content":"a"},{"role":"user","content":"b"}]}""")))
                .anyMatch(v -> v.contains("'user' or 'assistant'")).anyMatch(v -> v.contains("alternate"));
        assertThat(AnthropicApiRules.violations(json("""
                {"model":"m","max_tokens":5,"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[
                 {"role":"user","content":"a"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
                 {"role":"user","content":[{"type":"text","text":"x"},{"type":"tool_result","tool_use_id":"t1"}]}]}""")))
                .anyMatch(v -> v.contains("must come first"));
    }
}
