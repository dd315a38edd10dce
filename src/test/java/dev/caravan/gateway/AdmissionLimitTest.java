package dev.caravan.gateway;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.HostileRequests;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan.api.max-in-flight}: requests beyond the limit get 503 (529 on /v1/messages) with Retry-After at
 * once, without reaching a route or the provider; a slot is freed when its reply has been written, a stream's
 * when the stream ends, and a request whose client hangs up frees its slot too. The admin plane counts its own.
 */
class AdmissionLimitTest extends GatewayTestSupport {

    static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private volatile CountDownLatch gate;

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.api.max-in-flight", "2");
    }

    @BeforeEach
    void holdEveryReply() {
        gate = new CountDownLatch(1);
        stub.always((req, reply) -> {
            CountDownLatch g = gate;
            boolean stream = req.body() != null && req.body().contains("\"stream\":true");
            if (stream) {
                reply.startStream(200, "content-type", "text/event-stream");
                reply.chunk("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n");
                g.await(20, TimeUnit.SECONDS);
                reply.chunk("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
                        + "\"total_tokens\":5}}\n\n");
                reply.chunk("data: [DONE]\n\n");
                reply.endStream();
            } else {
                g.await(20, TimeUnit.SECONDS);
                reply.json(200, OpenAiRouteTestBodies.COMPLETION);
            }
        });
    }

    @AfterEach
    void release() {
        gate.countDown();
        waitFor(() -> inFlight() == 0);
    }

    private CompletableFuture<HttpResponse<String>> chatAsync(String body) {
        return http.sendAsync(HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int upstreamCalls() {
        return stub.requests().size();
    }

    private double metric(String line) {
        for (String l : adminGet("/metrics").body().split("\n")) {
            if (l.startsWith(line) && l.contains(":" + port + "\"")) {
                return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private double inFlight() {
        return metric("caravan_server_requests_in_flight{");
    }

    static void waitFor(BooleanSupplier condition) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(until);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void requestsBeyondTheLimitGet503AtOnceAndTheHeldOnesComplete() throws Exception {
        int before = upstreamCalls();
        double rejectedBefore = metric("caravan_overload_rejected_total{");
        CompletableFuture<HttpResponse<String>> a = chatAsync(CHAT);
        CompletableFuture<HttpResponse<String>> b = chatAsync(CHAT);
        waitFor(() -> upstreamCalls() == before + 2);
        assertThat(inFlight()).isEqualTo(2.0);

        HttpResponse<String> refused = chat(CHAT);
        BadInputTest.assertEnvelope(refused, 503, "overloaded");
        assertThat(json(refused.body()).get("error").get("type").asText()).isEqualTo("service_unavailable_error");
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(upstreamCalls()).as("a refused request never reaches the provider").isEqualTo(before + 2);

        HttpResponse<String> messages = send(HttpRequest.newBuilder(uri("/v1/messages"))
                .header("x-api-key", KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
        assertThat(messages.statusCode()).isEqualTo(529);
        JsonNode body = json(messages.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo("overloaded_error");

        // the admin plane has its own count: health still answers while the API is full
        assertThat(adminGet("/health").statusCode()).isEqualTo(200);
        assertThat(metric("caravan_overload_rejected_total{")).isEqualTo(rejectedBefore + 2);

        gate.countDown();
        assertThat(a.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(b.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        waitFor(() -> inFlight() == 0);
        assertThat(chat(CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void aRefusedRequestLeavesItsKeepAliveConnectionUsable() throws Exception {
        CompletableFuture<HttpResponse<String>> a = chatAsync(CHAT);
        CompletableFuture<HttpResponse<String>> b = chatAsync(CHAT);
        waitFor(() -> inFlight() == 2);
        byte[] req = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT)
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(req);
            out.flush();
            HostileRequests.Reply refused = HostileRequests.read(s.getInputStream());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.headers().get("connection")).isNull();

            gate.countDown();
            assertThat(a.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(b.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            waitFor(() -> inFlight() == 0);
            out.write(req);
            out.flush();
            assertThat(HostileRequests.read(s.getInputStream()).status()).isEqualTo(200);
        }
        waitFor(() -> inFlight() == 0);
    }

    @Test
    void aStreamHoldsItsSlotUntilItEnds() throws Exception {
        CompletableFuture<HttpResponse<String>> s1 = chatAsync(STREAM);
        CompletableFuture<HttpResponse<String>> s2 = chatAsync(STREAM);
        waitFor(() -> inFlight() == 2);
        assertThat(chat(CHAT).statusCode()).isEqualTo(503);

        gate.countDown();
        for (CompletableFuture<HttpResponse<String>> s : List.of(s1, s2)) {
            HttpResponse<String> r = s.get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("[DONE]");
        }
        waitFor(() -> inFlight() == 0);
        gate = new CountDownLatch(0);
        assertThat(chat(CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatHangsUpFreesItsSlot() throws Exception {
        int before = upstreamCalls();
        byte[] req = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT)
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                OutputStream out = s.getOutputStream();
                out.write(req);
                out.flush();
                int expected = before + i + 1;
                waitFor(() -> upstreamCalls() == expected);
            }
        }
        waitFor(() -> inFlight() == 0);
        gate.countDown();
        assertThat(chat(CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void keepAliveConnectionsAreCountedPerRequestNotPerConnection() {
        gate.countDown();
        for (int i = 0; i < 5; i++) {
            assertThat(chat(CHAT).statusCode()).isEqualTo(200);
        }
        waitFor(() -> inFlight() == 0);
    }
}
