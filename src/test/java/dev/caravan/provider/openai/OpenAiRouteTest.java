package dev.caravan.provider.openai;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/** The real routes against a stub that speaks OpenAI's wire format: pass-through, streams, headers. */
class OpenAiRouteTest extends GatewayTestSupport {

    static final String COMPLETION = """
            {"id":"chatcmpl-abc","object":"chat.completion","created":1735689600,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null,"annotations":[]},
             "logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,
             "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
             "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,
             "rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_1"}""";

    static String chunk(String delta, String finish) {
        return StubUpstream.data("{\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    static final String USAGE_CHUNK = StubUpstream.data("{\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1735689600,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
            + "\"completion_tokens\":5,\"total_tokens\":14}}");

    static List<String> textStream(int n) {
        List<String> ev = new ArrayList<>();
        ev.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
        for (int i = 0; i < n; i++) {
            ev.add(chunk("{\"content\":\"w" + i + " \"}", null));
        }
        ev.add(chunk("{}", "stop"));
        ev.add(USAGE_CHUNK);
        ev.add("data: [DONE]\n\n");
        return ev;
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    @Test
    void nonStreamReturnsTheProviderAnswerAndSendsOnlyWhatTheProviderNeeds() {
        stub.always((req, reply) -> reply.json(200, COMPLETION, "x-request-id", "upstream-1"));
        HttpResponse<String> r = chat("""
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":0.2,
                 "my_extension":{"a":1}}""");
        assertThat(r.statusCode()).isEqualTo(200);
        // the provider's answer, plus the cost Caravan adds to usage (9 x 0.15 + 3 x 0.60 USD per million tokens)
        assertThat(r.body()).contains("\"cost\":0.00000315");
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("0.00000315");
        JsonNode body = json(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("usage")).remove(List.of("cost", "cost_details"));
        assertThat(body).isEqualTo(json(COMPLETION));
        assertThat(r.headers().firstValue("x-caravan-provider")).hasValue("openai");
        assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("authorization"));

        StubUpstream.Recorded up = stub.lastRequest();
        assertThat(up.path()).isEqualTo("/openai/chat/completions");
        assertThat(up.header("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
        JsonNode sent = json(up.body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.get("my_extension")).isEqualTo(json("{\"a\":1}"));
        assertThat(sent.has("stream_options")).isFalse();
        assertThat(up.headers().keySet()).doesNotContain("x-api-key", "cookie");
        assertThat(up.body()).doesNotContain(KEY);
    }

    @Test
    void streamArrivesWhileTheUpstreamIsStillProducing() {
        List<StubUpstream.Reply> replies = stub.replies();
        stub.always((req, reply) -> reply.sse(textStream(8), 100));
        StreamResult s = stream("""
                {"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(s.response().headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        long lastUpstreamEvent = replies.get(0).lastEventNanos();
        long firstClientChunk = s.lines().get(0).atNanos();
        assertThat(firstClientChunk).isLessThan(lastUpstreamEvent - TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(s.events()).hasSize(10); // role + 8 words + finish; no usage chunk without include_usage
        assertThat(s.events()).allSatisfy(e -> assertThat(e.path("choices").size()).isEqualTo(1));
        assertThat(s.endsWithDone()).isTrue();
        // the gateway always asks for usage, so that every stream can be metered
        assertThat(json(stub.lastRequest().body()).at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void usageChunkComesLastWhenTheClientAsksForIt() {
        stub.always((req, reply) -> reply.sse(textStream(3), 0));
        StreamResult s = stream("""
                {"model":"openai/gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}]}""");
        List<JsonNode> ev = s.events();
        JsonNode last = ev.get(ev.size() - 1);
        assertThat(last.get("choices").size()).isZero();
        assertThat(last.at("/usage/total_tokens").asInt()).isEqualTo(14);
        assertThat(last.get("id").asText()).isEqualTo("chatcmpl-s1");
        assertThat(s.endsWithDone()).isTrue();
    }
}
