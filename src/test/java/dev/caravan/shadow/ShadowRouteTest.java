package dev.caravan.shadow;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shadow traffic through the real routes: the primary deployment answers from one stub upstream, the candidate
 * deployment gets the copy from another. The client's answer never waits for, or sees, the candidate; sampling;
 * the drop path when no shadow slot is free; the report's figures on known answers; streams.
 */
class ShadowRouteTest extends GatewayTestSupport {

    /** The candidate's upstream (provider groq); the primary's is the base stub (provider openai). */
    static final StubUpstream CANDIDATE;

    static {
        try {
            CANDIDATE = new StubUpstream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What each stub does for a model (the deployments' model ids are distinct per test). */
    final Map<String, StubUpstream.Script> primaryScripts = new ConcurrentHashMap<>();
    final Map<String, StubUpstream.Script> candidateScripts = new ConcurrentHashMap<>();

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        StringBuilder routing = new StringBuilder();
        for (String n : List.of("1", "2", "3", "3n", "4", "5")) {
            routing.append(RouteYaml.deployment("p" + n, "openai", "m-p" + n, ""));
            routing.append(RouteYaml.deployment("c" + n, "groq", "m-c" + n, ""));
        }
        routing.append(shadow("one", "p1", "c1", "1"))
                .append(shadow("two", "p2", "c2", "1"))
                .append(shadow("all3", "p3", "c3", "1"))
                .append(shadow("none3", "p3", "c3n", "0"))
                .append(shadow("four", "p4", "c4", "1"))
                .append(shadow("five", "p5", "c5", "1"))
                .append("""
                        - route:
                            id: route.chat
                            from:
                              uri: direct:route.chat
                              steps:
                                - choice:
                                    when:
                                      - simple: "${body.model} startsWith 'shadow/'"
                                        steps:
                                          - toD: "direct:shadowed.${body.model.substring(7)}"
                                    otherwise:
                                      steps:
                                        - process: { ref: modelRouter }
                                        - toD: "direct:provider.${header.CaravanProvider}.chat?block=false"
                        """);
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), routing.toString());
        Files.writeString(dir.resolve("models.yaml"), """
                models:
                  - provider: openai
                    model: m-p4
                    prices: {input: 1, output: 2}
                    source: test
                    as_of: 2026-01-01
                  - provider: groq
                    model: m-c4
                    prices: {input: 3, output: 4}
                    source: test
                    as_of: 2026-01-01
                """);
    }

    static String shadow(String id, String primary, String candidate, String sample) {
        return """
                - templatedRoute:
                    routeTemplateRef: shadow
                    routeId: shadowed.%s
                    parameters:
                      - { name: id, value: %s }
                      - { name: target, value: direct:deployment.%s }
                      - { name: candidate, value: direct:deployment.%s }
                      - { name: sample, value: "%s" }
                """.formatted(id, id, primary, candidate, sample);
    }

    @Override
    protected Map<String, String> properties() {
        // one copy out at a time: a second call while a candidate hangs finds no slot
        // the candidate may hang longer than the latch in the first test without timing out
        return Map.of("caravan.provider.groq.base-url", CANDIDATE.baseUrl() + "/groq",
                "caravan.provider.groq.timeout-ms", "60000", "caravan.shadow.max-in-flight", "1");
    }

    ShadowRouteTest() {
        stub.always((req, reply) -> script(primaryScripts, req).respond(req, reply));
        CANDIDATE.always((req, reply) -> script(candidateScripts, req).respond(req, reply));
    }

    @AfterAll
    void closeCandidate() throws Exception {
        CANDIDATE.close();
    }

    private static StubUpstream.Script script(Map<String, StubUpstream.Script> scripts, StubUpstream.Recorded req) {
        String model = tree(req.body()).path("model").asText();
        StubUpstream.Script s = scripts.get(model);
        return s != null ? s : (r, reply) -> reply.json(200, completion("default " + model, "stop", 1, 1));
    }

    static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String completion(String text, String finish, long prompt, long completion) {
        return """
                {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
                 "message":{"role":"assistant","content":%s},"logprobs":null,"finish_reason":"%s"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(Json.MAPPER.valueToTree(text).toString(), finish, prompt, completion, prompt + completion);
    }

    static String toolCall(String arguments, long prompt, long completion) {
        return """
                {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
                 "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"get_weather","arguments":%s}}]},"logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                .formatted(Json.MAPPER.valueToTree(arguments).toString(), prompt, completion, prompt + completion);
    }

    HttpResponse<String> ask(String shadowId, String question) {
        return chat("{\"model\":\"shadow/" + shadowId + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}");
    }

    static String content(HttpResponse<String> r) {
        return tree(r.body()).path("choices").path(0).path("message").path("content").asText();
    }

    HttpResponse<String> admin(String path) {
        return send(HttpRequest.newBuilder(adminUri(path)).header("authorization", "Bearer " + ADMIN_KEY).GET()
                .build());
    }

    /** The report's entry for a pair once it has at least {@code count} calls (rows are written off the path). */
    JsonNode awaitPair(String primary, String candidate, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode report = tree(admin("/admin/shadow/report").body());
            for (JsonNode p : report.path("data")) {
                if (p.path("primary").asText().equals(primary) && p.path("candidate").asText().equals(candidate)
                        && p.path("count").asInt() >= count) {
                    return p;
                }
            }
            assertThat(System.nanoTime()).as("report for %s/%s with %d calls", primary, candidate, count)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    long dropped(String reason) {
        return tree(admin("/admin/shadow/report").body()).path("dropped").path(reason).asLong();
    }

    long candidateCalls(String model) {
        return CANDIDATE.requests().stream().filter(r -> r.body().contains("\"" + model + "\"")).count();
    }

    void awaitCandidateCalls(String model, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (candidateCalls(model) < n) {
            assertThat(System.nanoTime()).as("candidate calls of %s", model).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void clientAnswerArrivesWhileTheCandidateHangsAndAFullShadowSlotDropsTheCopy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        primaryScripts.put("m-p1", (req, reply) -> reply.json(200, completion("primary answer", "stop", 5, 2)));
        candidateScripts.put("m-c1", (req, reply) -> {
            // released only once the client has its answer; a copy on the client's path would never be released,
            // answer 500 here, and the pair would show a candidate error
            if (!release.await(30, TimeUnit.SECONDS)) {
                reply.json(500, "{\"error\":{\"message\":\"never released\",\"type\":\"server_error\"}}");
                return;
            }
            reply.json(200, completion("candidate answer", "stop", 5, 3));
        });
        long droppedBefore = dropped("full");

        HttpResponse<String> first = ask("one", "hello");
        // the client has its answer, unchanged, and the candidate has not been released yet
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(content(first)).isEqualTo("primary answer");
        assertThat(first.headers().firstValue("x-caravan-deployment")).hasValue("p1");
        assertThat(release.getCount()).isEqualTo(1);
        // the copy is out: the candidate holds it, hanging
        awaitCandidateCalls("m-c1", 1);

        // the only shadow slot is taken: the next call is answered, its copy dropped and counted
        HttpResponse<String> second = ask("one", "hello again");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(content(second)).isEqualTo("primary answer");
        assertThat(dropped("full")).isEqualTo(droppedBefore + 1);
        String metrics = admin("/metrics").body();
        assertThat(metrics).contains("caravan_shadow_dropped_total{reason=\"full\"}");

        release.countDown();
        JsonNode pair = awaitPair("p1", "c1", 1);
        assertThat(pair.path("count").asInt()).isEqualTo(1);
        assertThat(pair.path("candidate_errors").asInt()).isZero();
        assertThat(candidateCalls("m-c1")).isEqualTo(1);
        // the slot is free again: the next call is copied
        ask("one", "third");
        awaitPair("p1", "c1", 2);
    }

    @Test
    void candidateFailuresNeverReachTheClient() throws Exception {
        primaryScripts.put("m-p2", (req, reply) -> reply.json(200, completion("primary two", "stop", 5, 2)));
        candidateScripts.put("m-c2", (req, reply) -> reply.json(500,
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        HttpResponse<String> r = ask("two", "q");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("primary two");
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).doesNotContain("c2");
        JsonNode pair = awaitPair("p2", "c2", 1);
        assertThat(pair.path("candidate_errors").asInt()).isEqualTo(1);

        candidateScripts.put("m-c2", (req, reply) -> reply.reset());
        HttpResponse<String> r2 = ask("two", "q2");
        assertThat(r2.statusCode()).isEqualTo(200);
        assertThat(content(r2)).isEqualTo("primary two");
        pair = awaitPair("p2", "c2", 2);
        assertThat(pair.path("candidate_errors").asInt()).isEqualTo(2);
        assertThat(pair.path("exact_match").path("compared").asInt()).isZero();
        assertThat(pair.path("candidate_figures").path("answered").asInt()).isZero();
    }

    @Test
    void sampleZeroCopiesNothingAndSampleOneCopiesEveryCall() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(ask("none3", "n" + i).statusCode()).isEqualTo(200);
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(ask("all3", "a" + i).statusCode()).isEqualTo(200);
            // one slot: wait for this copy to be recorded, so none is dropped
            awaitPair("p3", "c3", i);
        }
        assertThat(candidateCalls("m-c3")).isEqualTo(3);
        // a copy of a sample-0 call would have held the only slot and made a sample-1 copy be dropped
        assertThat(candidateCalls("m-c3n")).isZero();
        assertThat(awaitPair("p3", "c3", 3).path("count").asInt()).isEqualTo(3);
    }

    @Test
    void reportFiguresOnKnownAnswers() throws Exception {
        primaryScripts.put("m-p4", (req, reply) -> {
            String body = req.body();
            if (body.contains("q-a")) {
                reply.json(200, completion("The capital of France is Paris.", "stop", 20, 8));
            } else if (body.contains("q-b")) {
                reply.json(200, completion("Yes.", "stop", 10, 2));
            } else {
                reply.json(200, toolCall("{\"city\":\"Paris\"}", 30, 12));
            }
        });
        candidateScripts.put("m-c4", (req, reply) -> {
            String body = req.body();
            if (body.contains("q-a")) {
                reply.json(200, completion("the capital of France is Paris", "stop", 20, 10));
            } else if (body.contains("q-b")) {
                reply.json(200, completion("No, not at all.", "length", 10, 5));
            } else {
                reply.json(200, toolCall("{ \"city\" : \"Paris\" }", 30, 11));
            }
        });
        int n = 0;
        for (String q : List.of("q-a", "q-b", "q-c")) {
            assertThat(ask("four", q).statusCode()).isEqualTo(200);
            awaitPair("p4", "c4", ++n);
        }
        JsonNode p = awaitPair("p4", "c4", 3);
        assertThat(p.path("count").asInt()).isEqualTo(3);
        assertThat(p.path("candidate_errors").asInt()).isZero();
        JsonNode primary = p.path("primary_figures");
        JsonNode candidate = p.path("candidate_figures");
        assertThat(primary.path("prompt_tokens").asLong()).isEqualTo(60);
        assertThat(primary.path("completion_tokens").asLong()).isEqualTo(22);
        assertThat(candidate.path("prompt_tokens").asLong()).isEqualTo(60);
        assertThat(candidate.path("completion_tokens").asLong()).isEqualTo(26);
        // 60 x $1/M + 22 x $2/M; 60 x $3/M + 26 x $4/M
        assertThat(new java.math.BigDecimal(primary.path("cost_usd").asText()))
                .isEqualByComparingTo("0.000104");
        assertThat(new java.math.BigDecimal(candidate.path("cost_usd").asText()))
                .isEqualByComparingTo("0.000284");
        assertThat(primary.path("finish_reasons").path("stop").asInt()).isEqualTo(2);
        assertThat(candidate.path("finish_reasons").path("length").asInt()).isEqualTo(1);
        assertThat(primary.path("latency_p50_ms").isNumber()).isTrue();
        assertThat(candidate.path("latency_p95_ms").isNumber()).isTrue();
        // exact: only the two empty texts of the tool-call answers; fuzzy: case and punctuation differ in (a)
        assertThat(rate(p, "exact_match")).containsExactly(3, 1);
        assertThat(rate(p, "fuzzy_match")).containsExactly(3, 2);
        assertThat(rate(p, "finish_reason_agreement")).containsExactly(3, 2);
        // tool calls are compared where either side made one: same name, JSON-equal arguments
        assertThat(rate(p, "tool_call_agreement")).containsExactly(1, 1);
        assertThat(p.path("exact_match").path("rate").asDouble()).isEqualTo(0.3333);
        // the report is on the admin plane: the admin key is required
        assertThat(adminGet("/admin/shadow/report").statusCode()).isEqualTo(401);
        assertThat(admin("/admin/shadow/report?since=yesterday").statusCode()).isEqualTo(400);
        assertThat(tree(admin("/admin/shadow/report?since=1d").body()).path("data").size()).isPositive();

        // the copies are not the client's calls: the ledger has the primary's three and no candidate row
        JsonNode spend = awaitSpend(s -> s.path("model").asText().equals("shadow/four"), 3);
        assertThat(spend.path("data").toString()).doesNotContain("m-c4");
    }

    static int[] rate(JsonNode pair, String name) {
        return new int[] {pair.path(name).path("compared").asInt(), pair.path(name).path("agreed").asInt()};
    }

    JsonNode awaitSpend(Predicate<JsonNode> line, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode r = tree(admin("/admin/spend?by=model,deployment&since=1d").body());
            for (JsonNode l : r.path("data")) {
                if (line.test(l) && l.path("requests").asInt() >= requests) {
                    return r;
                }
            }
            assertThat(System.nanoTime()).as("spend").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aStreamedPrimaryIsShadowedByANonStreamCallAndComparedOnWhatTheClientReceived() throws Exception {
        primaryScripts.put("m-p5", (req, reply) -> reply.sse(List.of(
                StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"stream\"},\"finish_reason\":null}]}"),
                StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ed\"},\"finish_reason\":null}]}"),
                StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"),
                StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}"),
                "data: [DONE]\n\n"), 0));
        candidateScripts.put("m-c5", (req, reply) -> reply.json(200, completion("streamed", "stop", 7, 4)));
        StreamResult s = stream("{\"model\":\"shadow/five\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(s.events().toString()).contains("\"stream\"", "\"ed\"");
        JsonNode p = awaitPair("p5", "c5", 1);
        assertThat(p.path("streams").asInt()).isEqualTo(1);
        assertThat(p.path("primary_figures").path("prompt_tokens").asLong()).isEqualTo(7);
        assertThat(p.path("primary_figures").path("completion_tokens").asLong()).isEqualTo(3);
        assertThat(p.path("candidate_figures").path("completion_tokens").asLong()).isEqualTo(4);
        // the stream's text as the client received it ("stream" + "ed") is compared with the candidate's
        assertThat(rate(p, "exact_match")).containsExactly(1, 1);
        assertThat(rate(p, "finish_reason_agreement")).containsExactly(1, 1);
        assertThat(p.path("primary_figures").path("finish_reasons").path("stop").asInt()).isEqualTo(1);
        StubUpstream.Recorded copy = CANDIDATE.requests().stream().filter(r -> r.body().contains("m-c5"))
                .findFirst().orElseThrow();
        assertThat(tree(copy.body()).path("stream").asBoolean(false)).isFalse();
    }
}
