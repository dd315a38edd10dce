package dev.caravan.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.LoadClient;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.Sockets;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every upstream fault under load, through the real routes: a faulty deployment first in a chain and a healthy one
 * second, {@value #DEFAULT_CONCURRENCY} requests at once (or {@code -Dcaravan.faults.concurrency}), half on each of
 * two such chains, each request on its own connection ({@code -Dcaravan.faults.only=<name part>} runs some faults). Per fault, non-streamed and streamed:
 * <ul>
 * <li>every request is answered: by the healthy deployment when the fault shows before the first chunk, or, when the
 * first chunk had already reached the client, with that chunk and then an error event (never a clean end of a
 * truncated answer);</li>
 * <li>the breaker of a deployment with a small window opens after its configured number of failures (a stream the
 * provider breaks after its first chunk is one), refuses calls while open, lets its probes through after the wait
 * once the fault is gone, and closes; a slow provider that completes its answers leaves it closed;</li>
 * <li>after a settle: the gateway has no more threads than before (small margin), no connection to the provider is
 * open (the stub's own count) and no client connection is left open on the gateway's port.</li>
 * </ul>
 * The figures of each case are appended to {@code target/fault-matrix.md}.
 */
class FaultMatrixTest extends GatewayTestSupport {

    static final int DEFAULT_CONCURRENCY = 200;
    static final int CONCURRENCY = Integer.getInteger("caravan.faults.concurrency", DEFAULT_CONCURRENCY);
    static final long TIMEOUT_MS = 2000;
    static final long HANG_MS = TIMEOUT_MS + 500;
    static final int MIN_CALLS = 4;
    static final long WAIT_OPEN_MS = 1000;
    static final int HALF_OPEN_PROBES = 2;
    static final int THREAD_MARGIN = 8;
    static final Path REPORT = Path.of("target", "fault-matrix.md");

    enum Expect {
        /** 200 with the healthy deployment's answer (failover before the first chunk). */
        HEALTHY,
        /** a stream that starts with the faulty deployment's chunk and ends with an error event. */
        ERROR_EVENT,
        /** the faulty deployment's complete answer (it was slow, not broken). */
        COMPLETE
    }

    /**
     * A fault: what the faulty provider does, what the client must see without and with streaming, and the code of
     * the stream's error event when it ends with one.
     */
    record Fault(String name, StubUpstream.Script script, Expect nonStream, Expect stream, String errorCode) {
        Fault(String name, StubUpstream.Script script, Expect nonStream, Expect stream) {
            this(name, script, nonStream, stream, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeanInject
    CamelContext context;

    LoadClient client;
    int baselineThreads;
    final Map<String, StubUpstream.Script> faults = new ConcurrentHashMap<>();

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        String timeout = "      - { name: timeoutMs, value: \"" + TIMEOUT_MS + "\" }\n";
        String routing = RouteYaml.deployment("f", "openai", "m-f", timeout + """
                      - { name: minimumNumberOfCalls, value: "1000000" }
                      - { name: slidingWindowSize, value: "1000000" }
                """)
                + RouteYaml.deployment("fb", "mistral", "m-fb", timeout + """
                      - { name: failureRateThreshold, value: "50" }
                      - { name: minimumNumberOfCalls, value: "%d" }
                      - { name: slidingWindowSize, value: "%d" }
                      - { name: waitDurationInOpenStateMs, value: "%d" }
                      - { name: permittedNumberOfCallsInHalfOpenState, value: "%d" }
                """.formatted(MIN_CALLS, MIN_CALLS, WAIT_OPEN_MS, HALF_OPEN_PROBES))
                + RouteYaml.deployment("h", "groq", "m-h", "")
                + RouteYaml.chain("load", RouteYaml.FAILOVER, "f", "h")
                + RouteYaml.chain("brk", RouteYaml.FAILOVER, "fb", "h")
                + RouteYaml.routeChat("""
                - toD: "direct:chain.${body.model.substring(6)}"
                """);
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), routing);
    }

    @Override
    protected Map<String, String> properties() {
        // the faulty providers time out after TIMEOUT_MS (per deployment, and between stream events); the healthy
        // one has ample time, so that a slow machine does not make it fail too
        return Map.of("caravan.upstream.timeout-ms", "20000", "caravan.upstream.stream-idle-timeout-ms", "20000",
                "caravan.provider.openai.stream-idle-timeout-ms", Long.toString(TIMEOUT_MS),
                "caravan.provider.mistral.stream-idle-timeout-ms", Long.toString(TIMEOUT_MS),
                "caravan.upstream.pool-idle-ms", "500");
    }

    // ---- the faults ----

    static String chunk(String provider, String content, String finish) {
        return StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + " from " + provider + "\"},"
                + "\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    static String completion(String provider) {
        return "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"ok from " + provider + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2}}";
    }

    static String provider(StubUpstream.Recorded req) {
        return req.path().split("/")[1];
    }

    static boolean streamed(StubUpstream.Recorded req) {
        return req.body().contains("\"stream\":true");
    }

    static void healthy(StubUpstream.Recorded req, StubUpstream.Reply reply) throws Exception {
        String p = provider(req);
        if (streamed(req)) {
            reply.sse(List.of(chunk(p, "ok", "stop"), "data: [DONE]\n\n"), 0);
        } else {
            reply.json(200, completion(p));
        }
    }

    /** Headers and the start of a JSON body that announces more bytes than will come. */
    static String partialHead() {
        return "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n"
                + "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,";
    }

    static StubUpstream.Script status(int status, String... headers) {
        return (req, reply) -> reply.json(status, "{\"error\":{\"message\":\"busy\",\"type\":\"x\"}}", headers);
    }

    static List<Fault> faults() {
        return List.of(
                new Fault("429 with retry-after", status(429, "retry-after", "1"), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("429 without retry-after", status(429), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("500", status(500), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("503", status(503), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("529", status(529), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("hang before headers", (req, reply) -> reply.hang(HANG_MS), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("hang mid-body", (req, reply) -> {
                    if (streamed(req)) {
                        reply.startStream(200);
                        reply.chunk(chunk(provider(req), "partial", null));
                    } else {
                        reply.raw(partialHead());
                    }
                    reply.hang(HANG_MS);
                }, Expect.HEALTHY, Expect.ERROR_EVENT, "upstream_timeout"),
                new Fault("reset before headers", (req, reply) -> reply.reset(), Expect.HEALTHY, Expect.HEALTHY),
                new Fault("reset mid-stream", (req, reply) -> {
                    if (streamed(req)) {
                        reply.startStream(200);
                        reply.chunk(chunk(provider(req), "partial", null));
                    } else {
                        reply.raw(partialHead());
                    }
                    Thread.sleep(50);
                    reply.reset();
                }, Expect.HEALTHY, Expect.ERROR_EVENT, "upstream_stream_error"),
                new Fault("truncated JSON", (req, reply) -> {
                    if (streamed(req)) {
                        reply.startStream(200);
                        reply.chunk(chunk(provider(req), "partial", null));
                        reply.chunk("data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"ind\n\n");
                        reply.endStream();
                    } else {
                        reply.json(200, completion(provider(req)).substring(0, 60));
                    }
                }, Expect.HEALTHY, Expect.ERROR_EVENT, "upstream_protocol_error"),
                new Fault("stream ends without [DONE]", (req, reply) -> {
                    reply.startStream(200);
                    reply.chunk(chunk(provider(req), "partial", null));
                    reply.chunk(chunk(provider(req), "more", null));
                    reply.endStream();
                }, null, Expect.ERROR_EVENT, "upstream_stream_truncated"),
                new Fault("slow drip", (req, reply) -> {
                    if (streamed(req)) {
                        // an event every 200 ms: slower than usual, never silent for the idle timeout
                        reply.startStream(200);
                        for (int i = 0; i < 5; i++) {
                            Thread.sleep(200);
                            reply.chunk(chunk(provider(req), "ok", i == 4 ? "stop" : null));
                        }
                        reply.chunk("data: [DONE]\n\n");
                        reply.endStream();
                    } else {
                        // a whole reply spread over 1.5 x the deployment's bound for the whole reply
                        String body = completion(provider(req));
                        reply.raw("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n");
                        int step = body.length() / 15 + 1;
                        for (int i = 0; i < body.length(); i += step) {
                            Thread.sleep(TIMEOUT_MS / 10);
                            if (!reply.raw(body.substring(i, Math.min(body.length(), i + step)))) {
                                return;
                            }
                        }
                    }
                }, Expect.HEALTHY, Expect.COMPLETE));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String only = System.getProperty("caravan.faults.only", "");
        for (Fault f : faults()) {
            if (!f.name().contains(only)) {
                continue;
            }
            if (f.nonStream() != null) {
                out.add(Arguments.of(f, false));
            }
            if (f.stream() != null) {
                out.add(Arguments.of(f, true));
            }
        }
        return out.stream();
    }

    // ---- setup ----

    @BeforeAll
    void start() throws Exception {
        client = new LoadClient(port, Duration.ofSeconds(60));
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, "| fault | mode | requests | answered | by healthy | error events | clean ends "
                + "| breaker (fb) | threads before → after | upstream conns after | client conns after |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        stub.always((req, reply) -> {
            StubUpstream.Script s = faults.get(provider(req));
            if (s != null) {
                s.respond(req, reply);
            } else {
                healthy(req, reply);
            }
        });
    }

    /**
     * Before the first case (the gateway starts after {@code @BeforeAll}): one healthy burst of each kind at full
     * concurrency, so that the baseline includes the threads the gateway starts lazily up to their bounds.
     */
    void warmUp() throws InterruptedException {
        if (baselineThreads > 0) {
            return;
        }
        for (boolean stream : new boolean[] {false, true}) {
            Burst b = burst(stream);
            assertThat(Stream.concat(b.load().stream(), b.brk().stream()).map(LoadClient.Reply::status))
                    .as("warm-up").containsOnly(200);
        }
        settle(0);
        baselineThreads = gatewayThreads().size();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    static String ask(String chain, boolean stream) {
        return "{\"model\":\"chain/" + chain + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    // ---- the matrix ----

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("cases")
    void everyRequestIsAnsweredAndNothingLeaks(Fault fault, boolean stream) throws Exception {
        Expect expect = stream ? fault.stream() : fault.nonStream();
        warmUp();
        context.getRegistry().findSingleByType(DeploymentRegistry.class).breakers().getAllCircuitBreakers()
                .forEach(CircuitBreaker::reset);
        CircuitBreaker fb = breaker("fb");
        List<String> transitions = Collections.synchronizedList(new ArrayList<>());
        List<Long> openedAt = Collections.synchronizedList(new ArrayList<>());
        fb.getEventPublisher().onStateTransition(e -> {
            transitions.add(e.getStateTransition().toString());
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt.add(System.nanoTime());
            }
        });
        stub.reset();
        faults.put("openai", fault.script());
        faults.put("mistral", fault.script());
        int threadsBefore = gatewayThreads().size();
        try {
            // every fault but a slow provider counts against the breaker: before the first chunk as a failed
            // attempt, after it when the stream ends (the client got what came and an error event)
            boolean opens = expect != Expect.COMPLETE;
            if (opens) {
                opensAfterTheConfiguredFailures(stream, expect, fault.errorCode());
            }
            Burst burst = burst(stream);
            check(burst.load(), expect, "openai", stream, fault.errorCode());
            if (expect == Expect.ERROR_EVENT) {
                // the open breaker sends the chain on to the healthy deployment; only its probes meet the fault
                check(burst.brk().stream().filter(r -> "h".equals(r.header("x-caravan-deployment"))).toList(),
                        Expect.HEALTHY, "mistral", stream);
                check(burst.brk().stream().filter(r -> !"h".equals(r.header("x-caravan-deployment"))).toList(),
                        Expect.ERROR_EVENT, "mistral", stream, fault.errorCode());
            } else {
                check(burst.brk(), expect, "mistral", stream, fault.errorCode());
            }
            long mistralCalls = calls("mistral");
            if (opens) {
                // open: refused without a call, except the probes each elapsed wait lets through
                long probesAllowed = (long) HALF_OPEN_PROBES * (1 + burst.millis() / WAIT_OPEN_MS);
                // (twice that for resets: a reset on a reused pooled connection is retried once on a fresh one)
                assertThat(mistralCalls).as("calls reaching an open breaker's deployment")
                        .isLessThanOrEqualTo(2 * probesAllowed);
                closesAfterTheWaitOnceTheFaultIsGone(stream, openedAt);
                assertThat(transitions).first().isEqualTo("State transition from CLOSED to OPEN");
                assertThat(transitions.subList(transitions.size() - 2, transitions.size())).containsExactly(
                        "State transition from OPEN to HALF_OPEN", "State transition from HALF_OPEN to CLOSED");
            } else {
                // slow but complete: the deployment worked
                assertThat(mistralCalls).isEqualTo(CONCURRENCY / 2);
                assertThat(transitions).isEmpty();
                assertThat(fb.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            }
            faults.clear();
            int[] after = settle(threadsBefore);
            report(fault, stream, burst, expect, transitions, threadsBefore, after);
        } finally {
            faults.clear();
        }
    }

    void opensAfterTheConfiguredFailures(boolean stream, Expect expect, String errorCode) {
        List<LoadClient.Reply> first = client.burst(MIN_CALLS - 1, "/v1/chat/completions", KEY, ask("brk", stream));
        check(first, expect, "mistral", stream, errorCode);
        assertThat(state("fb")).as("after %d failures", MIN_CALLS - 1).isEqualTo("CLOSED");
        check(client.burst(1, "/v1/chat/completions", KEY, ask("brk", stream)), expect, "mistral", stream, errorCode);
        assertThat(state("fb")).as("after %d failures", MIN_CALLS).isEqualTo("OPEN");
        // a connection reset on a reused pooled connection is retried once on a fresh one (UpstreamCallState)
        assertThat(calls("mistral")).isBetween((long) MIN_CALLS, 2L * MIN_CALLS);
        stub.reset();
    }

    void closesAfterTheWaitOnceTheFaultIsGone(boolean stream, List<Long> openedAt) throws InterruptedException {
        faults.remove("mistral");
        long lastOpen = openedAt.get(openedAt.size() - 1);
        long waitMs = WAIT_OPEN_MS + 50 - (System.nanoTime() - lastOpen) / 1_000_000;
        if (waitMs > 0) {
            Thread.sleep(waitMs);
        }
        assertThat(state("fb")).isEqualTo("OPEN"); // it stays open until a call comes after the wait
        LoadClient.Reply probe = client.post("/v1/chat/completions", KEY, ask("brk", stream)).join();
        assertThat(probe.header("x-caravan-deployment")).as("first probe").isEqualTo("fb");
        assertThat(state("fb")).isEqualTo("HALF_OPEN");
        probe = client.post("/v1/chat/completions", KEY, ask("brk", stream)).join();
        assertThat(probe.header("x-caravan-deployment")).as("second probe").isEqualTo("fb");
        assertThat(state("fb")).isEqualTo("CLOSED");
    }

    record Burst(List<LoadClient.Reply> load, List<LoadClient.Reply> brk, long millis) {
    }

    Burst burst(boolean stream) {
        long t0 = System.nanoTime();
        List<CompletableFuture<LoadClient.Reply>> load = new ArrayList<>();
        List<CompletableFuture<LoadClient.Reply>> brk = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY / 2; i++) {
            load.add(client.post("/v1/chat/completions", KEY, ask("load", stream)));
            brk.add(client.post("/v1/chat/completions", KEY, ask("brk", stream)));
        }
        List<LoadClient.Reply> l = load.stream().map(CompletableFuture::join).toList();
        List<LoadClient.Reply> b = brk.stream().map(CompletableFuture::join).toList();
        return new Burst(l, b, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Every reply as expected; the faulty deployment is {@code faulty} (its provider). */
    static void check(List<LoadClient.Reply> replies, Expect expect, String faulty, boolean stream) {
        check(replies, expect, faulty, stream, null);
    }

    static void check(List<LoadClient.Reply> replies, Expect expect, String faulty, boolean stream,
            String errorCode) {
        for (LoadClient.Reply r : replies) {
            assertThat(r.failure()).as("transport failure").isNull();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            switch (expect) {
                case HEALTHY -> {
                    assertThat(r.header("x-caravan-deployment")).isEqualTo("h");
                    if (stream) {
                        assertThat(r.data()).as(r.body()).hasSize(2).last().isEqualTo("[DONE]");
                        assertThat(r.data().get(0)).contains("ok from groq").doesNotContain("\"error\"");
                    } else {
                        assertThat(r.body()).contains("ok from groq");
                    }
                }
                case ERROR_EVENT -> {
                    List<String> data = r.data();
                    assertThat(data.get(0)).as(r.body()).contains("partial from " + faulty);
                    int last = data.get(data.size() - 1).equals("[DONE]") ? data.size() - 2 : data.size() - 1;
                    JsonNode end = json(data.get(last));
                    assertThat(end.at("/error/message").asText()).as("the stream ends with an error event: " + r.body())
                            .isNotEmpty();
                    assertThat(end.at("/error/code").asText()).isEqualTo(errorCode);
                    assertThat(data.get(data.size() - 1)).as("then the end").isEqualTo("[DONE]");
                    assertThat(data.stream().filter(d -> d.contains("from groq"))).as("no failover after a chunk")
                            .isEmpty();
                }
                case COMPLETE -> {
                    List<String> data = r.data();
                    assertThat(data).as(r.body()).hasSize(6).last().isEqualTo("[DONE]");
                    assertThat(data.get(4)).contains("\"finish_reason\":\"stop\"");
                    assertThat(String.join("", data)).doesNotContain("\"error\"");
                }
            }
        }
    }

    // ---- observations ----

    CircuitBreaker breaker(String id) {
        return context.getRegistry().findSingleByType(DeploymentRegistry.class).breakers().circuitBreaker("deployment." + id);
    }

    String state(String id) {
        var r = send(java.net.http.HttpRequest.newBuilder(adminUri("/admin/deployments"))
                .header("authorization", "Bearer " + ADMIN_KEY).GET().build());
        for (JsonNode d : json(r.body()).get("deployments")) {
            if (d.get("id").asText().equals(id)) {
                return d.get("state").asText();
            }
        }
        return null;
    }

    long calls(String provider) {
        return stub.requests().stream().filter(r -> r.path().startsWith("/" + provider + "/")).count();
    }

    /** The gateway's threads: every live thread but the test's own clients and the stub's. */
    static List<String> gatewayThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> !n.startsWith("stub-upstream") && !n.startsWith("load-client")
                        && !n.startsWith("HttpClient") && !n.startsWith("ForkJoinPool"))
                .toList();
    }

    /**
     * Waits (up to 15 s) until no upstream connection is open at the stub, no client connection at the gateway's
     * port, and the gateway has at most {@code threadsBefore} + a margin threads; then asserts it. Returns the
     * figures: threads, upstream connections, client connections.
     */
    int[] settle(int threadsBefore) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        int threads;
        int upstream;
        int inbound;
        do {
            Thread.sleep(100);
            threads = gatewayThreads().size();
            upstream = stub.connectionsOpen();
            inbound = Sockets.available() ? Sockets.openOnLocalPort(port) : 0;
        } while ((upstream > 0 || inbound > 0 || threadsBefore > 0 && threads > threadsBefore + THREAD_MARGIN)
                && System.nanoTime() < deadline);
        assertThat(upstream).as("upstream connections still open (gateway side: %d, stub side: %d)",
                Sockets.openToRemotePort(stub.port()), Sockets.openOnLocalPort(stub.port())).isZero();
        assertThat(inbound).as("client connections still open on the gateway").isZero();
        if (threadsBefore > 0) {
            assertThat(threads).as("gateway threads after the run (before: %d, baseline: %d): %s", threadsBefore,
                    baselineThreads, gatewayThreads()).isLessThanOrEqualTo(threadsBefore + THREAD_MARGIN)
                    .isLessThanOrEqualTo(baselineThreads + THREAD_MARGIN);
        }
        return new int[] {threads, upstream, inbound};
    }

    void report(Fault fault, boolean stream, Burst burst, Expect expect, List<String> transitions, int threadsBefore,
            int[] after) throws IOException {
        List<LoadClient.Reply> all = new ArrayList<>(burst.load());
        all.addAll(burst.brk());
        long answered = all.stream().filter(r -> r.status() == 200).count();
        long healthy = all.stream().filter(r -> "h".equals(r.header("x-caravan-deployment"))).count();
        long errorEvents = all.stream().filter(r -> r.data().stream().anyMatch(d -> d.startsWith("{\"error\""))).count();
        long clean = all.stream().filter(r -> stream && !r.data().isEmpty()
                && r.data().get(r.data().size() - 1).equals("[DONE]")
                && r.data().stream().noneMatch(d -> d.startsWith("{\"error\""))).count();
        String breaker = transitions.isEmpty() ? "stays CLOSED"
                : String.join(" → ", transitions.stream().map(t -> t.substring(t.lastIndexOf(' ') + 1)).toList());
        if (!transitions.isEmpty()) {
            breaker = "CLOSED → " + breaker;
        }
        String line = "| %s | %s | %d | %.0f %% | %d | %d | %s | %s | %d → %d | %d | %d |%n".formatted(fault.name(),
                stream ? "stream" : "non-stream", all.size(), 100.0 * answered / all.size(), healthy, errorEvents,
                stream ? Long.toString(clean) : "–", breaker, threadsBefore, after[0], after[1], after[2]);
        Files.writeString(REPORT, line, StandardOpenOption.APPEND);
    }
}
