package dev.caravan.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that read a stream slowly, stop reading, or vanish, against an upstream that streams a large answer as
 * fast as it can, over raw sockets (a small receive buffer, a few KB per read):
 * <ul>
 * <li>the gateway does not buffer without bound: it stops reading from the provider while the client is behind, so
 * what the provider could write stays within a fixed bound of what the client took;</li>
 * <li>a client that hangs up, or reads nothing for the stream idle timeout, ends the upstream call (the provider sees
 * its connection closed) and the call is still in the ledger and the metrics as {@code client_closed}, with the
 * output tokens delivered (estimated: the provider never sent usage) and a cost.</li>
 * </ul>
 * Figures of the slow readers go to {@code target/slow-clients.md}.
 */
class SlowClientStreamTest extends MoneyTestSupport {

    static final int READERS = Integer.getInteger("caravan.slowclients.readers", 10);
    /** ~1.1 KB per event, 64 events per HTTP chunk, 40,000 events: about 44 MB per answer. */
    static final int EVENTS = 40_000;
    static final int PER_CHUNK = 64;
    static final String TEXT = "x".repeat(1000);
    /**
     * Upstream bytes a client may be behind: the gateway's backlog (1 MB), one write in flight, and the kernel's
     * socket buffers on both sides of the gateway (autotuned, several MB on loopback).
     */
    static final long BOUND = 24L * 1024 * 1024;
    static final Path REPORT = Path.of("target", "slow-clients.md");

    final Map<String, StubUpstream.Reply> replies = new ConcurrentHashMap<>();
    final ExecutorService clients = Executors.newCachedThreadPool();

    @Override
    protected Map<String, String> properties() {
        // openai: idle bound far above the test's slow reads; deepseek: a short one, for the client that stops reading
        return Map.of("caravan.provider.openai.stream-idle-timeout-ms", "20000",
                "caravan.provider.deepseek.stream-idle-timeout-ms", "1500");
    }

    @BeforeAll
    void upstream() {
        stub.always((req, reply) -> {
            Matcher m = Pattern.compile("\"content\":\"(\\w+-\\d+)\"").matcher(req.body());
            String marker = m.find() ? m.group(1) : "none";
            replies.put(marker, reply);
            if (marker.startsWith("late")) {
                // the whole answer and [DONE], then the reply's last chunk a moment later
                reply.startStream(200);
                reply.chunk(event("done", "stop"));
                reply.chunk("data: [DONE]\n\n");
                Thread.sleep(300);
                reply.endStream();
                return;
            }
            if (marker.startsWith("paced")) {
                List<String> ev = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    ev.add(event("w" + i + " ", null));
                }
                reply.sse(ev, 20);
                return;
            }
            reply.socket().setSendBufferSize(64 * 1024);
            reply.startStream(200);
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= EVENTS; i++) {
                b.append(event(TEXT, i == EVENTS ? "stop" : null));
                if (i % PER_CHUNK == 0 || i == EVENTS) {
                    if (!reply.chunk(b.toString())) {
                        return; // the gateway closed the connection: the call was cancelled
                    }
                    b.setLength(0);
                }
            }
            reply.chunk("data: [DONE]\n\n");
            reply.endStream();
        });
    }

    @AfterAll
    void stopClients() {
        clients.shutdownNow();
    }

    static String event(String content, String finish) {
        return StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
                + "\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},"
                + "\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    // ---- a raw-socket client ----

    /** A streamed chat call on a socket of its own; the reply is read only as the test says. */
    final class RawClient implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        long received;
        String head = "";

        RawClient(String model, String marker, boolean close) throws IOException {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(20_000);
            String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"" + marker + "\"}]}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer " + KEY
                    + "\r\ncontent-type: application/json\r\ncontent-length: " + b.length + "\r\n"
                    + (close ? "connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            in = socket.getInputStream();
        }

        /** Reads up to {@code n} bytes (one read call); -1 at the end. */
        int read(byte[] buf, int n) throws IOException {
            int r = in.read(buf, 0, n);
            if (r > 0) {
                if (head.isEmpty() || !head.contains("\r\n\r\n")) {
                    head += new String(buf, 0, r, StandardCharsets.ISO_8859_1);
                }
                received += r;
            }
            return r;
        }

        String requestId() {
            Matcher m = Pattern.compile("(?i)x-request-id: (\\S+)").matcher(head);
            return m.find() ? m.group(1) : null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    StubUpstream.Reply awaitReply(String marker) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> replies.containsKey(marker));
        return replies.get(marker);
    }

    /** Waits until the provider's connection of {@code marker} was closed by the gateway (its writes fail). */
    void awaitUpstreamClosed(String marker) {
        StubUpstream.Reply r = awaitReply(marker);
        await().atMost(15, TimeUnit.SECONDS).pollInterval(20, TimeUnit.MILLISECONDS).until(r::clientGone);
    }

    Map<String, Object> ledgerRow(String requestId) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> ledger().stream().anyMatch(r -> requestId.equals(r.get("request_id"))));
        return ledger().stream().filter(r -> requestId.equals(r.get("request_id"))).findFirst().orElseThrow();
    }

    static void meteredAsClientClosed(Map<String, Object> row, long atLeastTokens) {
        assertThat(row.get("outcome")).isEqualTo("client_closed");
        assertThat(row.get("stream")).isEqualTo(true);
        assertThat(row.get("status")).isEqualTo(200);
        assertThat(((Number) row.get("completion_tokens")).longValue()).isGreaterThanOrEqualTo(atLeastTokens);
        assertThat(row.get("usage_estimated")).as("the provider sent no usage: estimated").isEqualTo(true);
        assertThat(decimal(row.get("cost_usd"))).isPositive();
    }

    // ---- the cases ----

    @Test
    void slowReadersHoldTheUpstreamBackAndAreMeteredWhenTheyLeave() throws Exception {
        List<CompletableFuture<Figures>> runs = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            String marker = "slow-" + i;
            runs.add(CompletableFuture.supplyAsync(() -> slowRead(marker), clients));
        }
        List<Figures> figures = runs.stream().map(CompletableFuture::join).toList();
        long total = (long) EVENTS * event(TEXT, null).length();
        StringBuilder report = new StringBuilder("| reader | client received | upstream sent | behind |\n|---|---|---|---|\n");
        for (int i = 0; i < figures.size(); i++) {
            Figures f = figures.get(i);
            report.append("| slow-%d | %.2f MB | %.2f MB | %.2f MB |%n".formatted(i, f.received() / 1e6,
                    f.sent() / 1e6, (f.sent() - f.received()) / 1e6));
            assertThat(f.sent() - f.received()).as("upstream bytes the client has not taken (slow-%d)", i)
                    .isLessThanOrEqualTo(BOUND);
            assertThat(f.sent()).as("the provider was held back: it could not write its %d bytes", total)
                    .isLessThan(total);
        }
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, "Slow readers: " + READERS + ", answer " + total / 1_000_000 + " MB each\n\n"
                + report, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        for (int i = 0; i < READERS; i++) {
            awaitUpstreamClosed("slow-" + i);
        }
        for (Figures f : figures) {
            meteredAsClientClosed(ledgerRow(f.requestId()), 1);
        }
    }

    /** What one slow reader took, what its provider had written by then, and its call's id. */
    record Figures(long received, long sent, String requestId) {
    }

    /** Reads 8 KB every 50 ms for 4 s, then hangs up. */
    Figures slowRead(String marker) {
        try (RawClient c = new RawClient("openai/gpt-4o-mini", marker, false)) {
            byte[] buf = new byte[8192];
            for (int i = 0; i < 80; i++) {
                if (c.read(buf, buf.length) < 0) {
                    break;
                }
                Thread.sleep(50);
            }
            return new Figures(c.received, awaitReply(marker).bytesSent(), c.requestId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientThatHangsUpMidStreamCancelsTheUpstreamAndIsStillMetered() throws Exception {
        double before = clientClosedCount();
        String requestId;
        try (RawClient c = new RawClient("openai/gpt-4o-mini", "paced-1", false)) {
            byte[] buf = new byte[4096];
            StringBuilder seen = new StringBuilder();
            int r;
            while (seen.toString().split("data: \\{", -1).length - 1 < 3 && (r = c.read(buf, buf.length)) > 0) {
                seen.append(new String(buf, 0, r, StandardCharsets.UTF_8));
            }
            requestId = c.requestId();
        }
        awaitUpstreamClosed("paced-1");
        assertThat(replies.get("paced-1").bytesSent()).as("the provider stopped well before its 200 events")
                .isLessThan(200L * event("w100 ", null).length());
        meteredAsClientClosed(ledgerRow(requestId), 3);
        await().atMost(5, TimeUnit.SECONDS).until(() -> clientClosedCount() > before);
    }

    @Test
    void aClientThatStopsReadingIsLetGoAfterTheIdleTimeout() throws Exception {
        try (RawClient c = new RawClient("deepseek/deepseek-chat", "stalled-1", false)) {
            byte[] buf = new byte[1024];
            c.read(buf, buf.length); // the head and the first bytes, then nothing
            awaitUpstreamClosed("stalled-1");
            // the gateway closed the client's connection too: reading on ends (EOF or reset) instead of hanging
            try {
                while (c.read(buf, buf.length) > 0) {
                    // drain what was in flight
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the client's connection was not closed", e);
            } catch (IOException reset) {
                // a reset is a close too
            }
            meteredAsClientClosed(ledgerRow(c.requestId()), 1);
        }
    }

    @Test
    void aStreamAskedWithConnectionCloseIsDeliveredWholeThenClosed() throws Exception {
        try (RawClient c = new RawClient("openai/gpt-4o-mini", "paced-2", true)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int r;
            while ((r = c.read(buf, buf.length)) > 0) {
                all.write(buf, 0, r);
            }
            String text = all.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("w199 ").contains("data: [DONE]").endsWith("0\r\n\r\n");
            assertThat(text.split("\r\n")[0]).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void aStreamWhoseLastChunkComesLateGivesItsConnectionBack() {
        for (String marker : new String[] {"late-1", "late-2"}) {
            StreamResult s = stream("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"" + marker + "\"}]}");
            assertThat(s.endsWithDone()).isTrue();
            if (marker.equals("late-1")) {
                sleep(600); // past the late last chunk: the connection is idle again, if it was given back
            }
        }
        // the same client connection, the same event loop: the pool hands out the connection the first call gave back
        assertThat(replies.get("late-2").socket()).isSameAs(replies.get("late-1").socket());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    double clientClosedCount() {
        double total = 0;
        for (String line : adminGet("/metrics").body().split("\n")) {
            if (line.startsWith("caravan_requests_total{") && line.contains("outcome=\"client_closed\"")
                    && line.contains("stream=\"true\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
