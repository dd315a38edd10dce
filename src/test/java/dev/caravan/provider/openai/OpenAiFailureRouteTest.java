package dev.caravan.provider.openai;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static dev.caravan.provider.openai.OpenAiRouteTest.chunk;
import static org.assertj.core.api.Assertions.assertThat;

/** Upstream failures through the real routes: status mapping, timeouts, broken streams, secrets. */
class OpenAiFailureRouteTest extends GatewayTestSupport {

    static final String REQ = """
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";
    static final String STREAM_REQ = """
            {"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.upstream.timeout-ms", "1500", "caravan.upstream.stream-idle-timeout-ms", "1500");
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    @ParameterizedTest(name = "upstream {0} -> client {1} {2}")
    @CsvSource({
        "400, 400, invalid_request_error",
        "401, 401, invalid_request_error",
        "404, 404, invalid_request_error",
        "422, 422, invalid_request_error",
        "429, 429, rate_limit_error",
        "500, 502, server_error",
        "503, 503, service_unavailable_error",
    })
    void upstreamStatusesAreMappedToOpenAiErrors(int upstream, int client, String type) {
        stub.always((req, reply) -> reply.json(upstream, """
                {"error":{"message":"upstream says %d","type":"invalid_request_error","param":null,"code":"c%d"}}"""
                .formatted(upstream, upstream), "retry-after", "7"));
        HttpResponse<String> r = chat(REQ);
        assertThat(r.statusCode()).isEqualTo(client);
        JsonNode err = json(r.body()).get("error");
        assertThat(err.get("message").asText()).contains("upstream says " + upstream).contains("openai");
        assertThat(err.has("param")).isTrue();
        assertThat(err.has("code")).isTrue();
        if (upstream < 429) {
            assertThat(err.get("type").asText()).isEqualTo(type);
            assertThat(err.get("code").asText()).isEqualTo("c" + upstream);
        } else {
            assertThat(err.get("type").asText()).isEqualTo(type);
        }
        if (upstream == 429) {
            assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        }
    }

    @Test
    void flatErrorBodiesAreRewrapped() {
        stub.always((req, reply) -> reply.json(400, """
                {"object":"error","message":"Tool call id was call_x but must be a-z, A-Z, 0-9","type":"invalid_request_message_error","param":null,"code":"3230"}"""));
        HttpResponse<String> r = chat(REQ.replace("openai/", "mistral/"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/message").asText()).contains("Tool call id was call_x");
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("3230");
    }

    @Test
    void aProviderKeyQuotedByTheUpstreamNeverReachesTheClient() {
        stub.always((req, reply) -> reply.json(401, """
                {"error":{"message":"Incorrect API key provided: %s. Find your key at ...","type":"invalid_request_error","code":"invalid_api_key"}}"""
                .formatted(PROVIDER_KEY)));
        HttpResponse<String> r = chat(REQ);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(PROVIDER_KEY).doesNotContain(PROVIDER_KEY.substring(0, 20))
                .contains("[redacted]");
    }

    @Test
    void aHangingUpstreamTimesOut() {
        stub.always((req, reply) -> reply.hang(4000));
        long t0 = System.nanoTime();
        HttpResponse<String> r = chat(REQ);
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3900);
    }

    @Test
    void aStreamThatNeverStartsTimesOutBeforeAnyByteIsSent() {
        stub.always((req, reply) -> {
            reply.startStream(200);
            reply.hang(4000);
        });
        StreamResult s = stream(STREAM_REQ);
        assertThat(s.response().statusCode()).isEqualTo(504);
    }

    @Test
    void aResetBeforeTheFirstEventIsAnErrorStatusNotABrokenStream() {
        stub.always((req, reply) -> reply.reset());
        StreamResult s = stream(STREAM_REQ);
        assertThat(s.response().statusCode()).isEqualTo(502);
        assertThat(s.response().headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json(s.lines().get(0).text()).at("/error/code").asText()).isEqualTo("upstream_unreachable");
    }

    @Test
    void aConnectionDroppedMidStreamEndsWithAnErrorEventAndDone() {
        stub.always((req, reply) -> {
            reply.startStream(200);
            reply.chunk(chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", null));
            Thread.sleep(100);
            reply.chunk(chunk("{\"content\":\"lo\"}", null));
            Thread.sleep(100);
            reply.reset();
        });
        StreamResult s = stream(STREAM_REQ);
        assertThat(s.response().statusCode()).isEqualTo(200);
        List<JsonNode> ev = s.events();
        assertThat(ev).hasSize(3);
        assertThat(ev.get(1).at("/choices/0/delta/content").asText()).isEqualTo("lo");
        assertThat(ev.get(2).at("/error/code").asText()).isEqualTo("upstream_stream_error");
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void anUpstreamThatGoesSilentMidStreamIsCutAfterTheIdleTimeout() {
        stub.always((req, reply) -> {
            reply.startStream(200);
            reply.chunk(chunk("{\"role\":\"assistant\",\"content\":\"Hel\"}", null));
            reply.hang(5000);
        });
        StreamResult s = stream(STREAM_REQ);
        List<JsonNode> ev = s.events();
        assertThat(ev.get(ev.size() - 1).at("/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void aClientThatDisconnectsCancelsTheUpstreamCall() throws Exception {
        stub.always((req, reply) -> {
            List<String> ev = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ev.add(chunk("{\"content\":\"w" + i + "\"}", null));
            }
            reply.sse(ev, 20);
        });
        var req = java.net.http.HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(STREAM_REQ)).build();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (var in = resp.body()) {
            byte[] first = in.readNBytes(50);
            assertThat(first).isNotEmpty();
        }
        StubUpstream.Reply reply = stub.replies().get(0);
        long deadline = System.currentTimeMillis() + 3000;
        while (!reply.clientGone() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(reply.clientGone()).as("upstream connection closed by the gateway").isTrue();
    }
}
