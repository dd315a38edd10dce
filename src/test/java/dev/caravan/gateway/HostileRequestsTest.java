package dev.caravan.gateway;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.HostileRequests;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generative test of the public API's edge: {@code caravan.fuzz.count} (default 10,000) malformed and hostile
 * requests, generated from {@code caravan.fuzz.seed} (default: a new seed each run, printed), sent over raw sockets
 * to every public endpoint by 8 concurrent clients. Every reply must be below 500 and, when it is an error, a
 * well-formed envelope of the endpoint's API (OpenAI's, or Anthropic's on /v1/messages); the gateway must keep
 * serving and its heap must not grow without bound. A failure prints the seed of the case; rerun one case with
 * {@code -Dcaravan.fuzz.seed=<seed> -Dcaravan.fuzz.count=1}.
 */
class HostileRequestsTest extends GatewayTestSupport {

    static final String GEMINI = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Hello!"}]},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":3,"totalTokenCount":12},
             "modelVersion":"gemini-2.5-flash"}""";
    static final String EMBEDDINGS = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5]},
             {"object":"embedding","index":1,"embedding":[0.125,0.75]}],
             "model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}}""";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.api.max-body-bytes", "1048576", "caravan.api.request-read-timeout-ms", "500");
    }

    private void answerEverything() {
        stub.always((req, reply) -> {
            boolean stream = req.body() != null && req.body().contains("\"stream\":true");
            if (req.path().contains("/embeddings")) {
                reply.json(200, EMBEDDINGS);
            } else if (req.path().contains(":streamGenerateContent")) {
                reply.sse(List.of(StubUpstream.data(GEMINI.replace("\n", ""))), 0);
            } else if (req.path().contains(":generateContent")) {
                reply.json(200, GEMINI);
            } else if (stream) {
                reply.sse(List.of(
                        StubUpstream.data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                                + "\"content\":\"Hi\"},\"finish_reason\":null}]}"),
                        StubUpstream.data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},"
                                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
                                + "\"completion_tokens\":1,\"total_tokens\":10}}"),
                        "data: [DONE]\n\n"), 0);
            } else {
                reply.json(200, OpenAiRouteTestBodies.COMPLETION);
            }
        });
    }

    @Test
    void everyHostileRequestGetsAWellFormedAnswerAndTheGatewayKeepsServing() throws Exception {
        answerEverything();
        long seed = Long.getLong("caravan.fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("caravan.fuzz.count", 10_000);
        System.out.println("HostileRequestsTest seed=" + seed + " count=" + count);
        // -Dcaravan.fuzz.paths=/v1/messages,/v1/embeddings narrows the run to paths starting with one of these
        String only = System.getProperty("caravan.fuzz.paths", "");
        HostileRequests gen = new HostileRequests(KEY, HostileRequests.TARGETS.stream()
                .filter(t -> only.isBlank() || java.util.Arrays.stream(only.split(",")).anyMatch(t.path()::startsWith))
                .toList());
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        // a warm-up pass first, so class loading and caches do not count as growth
        runAll(gen, seed + 1_000_000_007L, Math.min(500, count));
        System.gc();
        long heapBefore = mem.getHeapMemoryUsage().getUsed();
        int threadsBefore = Thread.activeCount();

        List<String> failures = runAll(gen, seed, count);
        assertThat(failures).as("hostile requests answered wrongly (first 20)").isEmpty();

        // still serving: a normal request on every API answers
        assertThat(chat("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        assertThat(post("/v1/embeddings", HostileRequests.TARGETS.get(1).body()).statusCode()).isEqualTo(200);
        System.gc();
        long grown = mem.getHeapMemoryUsage().getUsed() - heapBefore;
        assertThat(grown).as("heap growth after %d hostile requests", count).isLessThan(64L * 1024 * 1024);
        assertThat(Thread.activeCount() - threadsBefore).as("threads left behind").isLessThan(32);
    }

    private List<String> runAll(HostileRequests gen, long seed, int count) throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ConcurrentHashMap<String, Long> slow = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count && failures.size() < 20) {
                        HostileRequests.Case c = gen.generate(seed + i);
                        if (Boolean.getBoolean("caravan.fuzz.verbose")) {
                            System.out.println("HostileRequestsTest case " + c);
                        }
                        long t0 = System.nanoTime();
                        String problem = check(c);
                        slow.merge(c.kind(), (System.nanoTime() - t0) / 1_000_000, Long::sum);
                        if (problem != null) {
                            failures.add(c + ": " + problem);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("HostileRequestsTest ms per kind: " + new java.util.TreeMap<>(slow));
        return failures;
    }

    private String check(HostileRequests.Case c) {
        HostileRequests.Reply r;
        try {
            r = HostileRequests.send(port, c, 15_000);
        } catch (Exception e) {
            return "no reply: " + e;
        }
        if (r.status() == 0) {
            // only a body the client never finished may end without an answer (the client hung up first)
            return c.neverEnds() ? null : "connection closed without a reply";
        }
        if (r.status() >= 500) {
            return "status " + r.status() + " " + r.text();
        }
        String type = r.headers().getOrDefault("content-type", "");
        if (r.status() < 400) {
            if (type.startsWith("text/event-stream")) {
                return r.text().contains("data:") || r.text().contains("event:") ? null : "empty stream";
            }
            return parse(r) == null ? "2xx reply is not JSON: " + r.text() : null;
        }
        if (!type.startsWith("application/json")) {
            return "error reply with content-type '" + type + "': " + r.text();
        }
        JsonNode body = parse(r);
        if (body == null) {
            return "error reply is not JSON: " + r.text();
        }
        String path = c.target().path();
        boolean anthropic = c.target().format().equals("anthropic") && !c.kind().equals("unknown-path");
        if (anthropic) {
            boolean ok = "error".equals(body.path("type").asText()) && body.path("error").path("type").isTextual()
                    && !body.path("error").path("message").asText().isBlank();
            return ok ? null : "not Anthropic's error envelope on " + path + ": " + r.text();
        }
        JsonNode err = body.path("error");
        boolean ok = err.isObject() && !err.path("message").asText().isBlank() && err.path("type").isTextual();
        if (ok && (err.path("message").asText().contains("Exception") || r.text().contains("\tat "))) {
            return "error message leaks a Java exception: " + r.text();
        }
        return ok ? null : "not OpenAI's error envelope: " + r.text();
    }

    private static JsonNode parse(HostileRequests.Reply r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            return null;
        }
    }
}
