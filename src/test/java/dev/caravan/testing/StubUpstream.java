package dev.caravan.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider stand-in that speaks real HTTP/1.1 on a loopback socket, so the gateway's real client talks to it:
 * keep-alive, Content-Length and chunked replies, paced SSE, hangs, and connection resets (RST) before or in the
 * middle of a stream. Every request is recorded (method, path, headers, body).
 */
public final class StubUpstream implements AutoCloseable {

    /** One received request. Header names are lower-case. */
    public record Recorded(String method, String path, Map<String, String> headers, String body, long atNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What to answer to one request. */
    @FunctionalInterface
    public interface Script {
        void respond(Recorded request, Reply reply) throws Exception;
    }

    /** The reply channel of one request. */
    public static final class Reply {
        private final Socket socket;
        private final OutputStream out;
        private boolean closeAfter;
        private volatile long lastEventNanos;
        private volatile boolean clientGone;
        private final java.util.concurrent.atomic.AtomicLong bytesSent = new java.util.concurrent.atomic.AtomicLong();

        Reply(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        public void json(int status, String body, String... headers) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
            h.append("content-type: application/json\r\ncontent-length: ").append(b.length).append("\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            h.append("\r\n");
            out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
        }

        /** Starts a chunked {@code text/event-stream} reply. */
        public void startStream(int status, String... headers) throws IOException {
            StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
            h.append("content-type: text/event-stream\r\ntransfer-encoding: chunked\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            h.append("\r\n");
            out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Starts a chunked reply of another content type (e.g. a binary event stream). */
        public void startStreamOf(int status, String contentType) throws IOException {
            out.write(("HTTP/1.1 " + status + " " + reason(status) + "\r\ncontent-type: " + contentType
                    + "\r\ntransfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Writes text as one HTTP chunk; false when the gateway closed the connection. */
        public boolean chunk(String text) {
            return chunk(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Writes raw bytes as one HTTP chunk; false when the gateway closed the connection. */
        public boolean chunk(byte[] b) {
            try {
                out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                bytesSent.addAndGet(b.length);
                lastEventNanos = System.nanoTime();
                return true;
            } catch (IOException e) {
                clientGone = true;
                return false;
            }
        }

        public void endStream() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /**
         * Sends SSE events (each already framed, e.g. {@code "data: {...}\n\n"}) with {@code delayMs} between them,
         * then ends the stream; stops early (and returns false) when the gateway hung up.
         */
        public boolean sse(List<String> events, long delayMs) throws Exception {
            startStream(200);
            for (int i = 0; i < events.size(); i++) {
                if (i > 0 && delayMs > 0) {
                    Thread.sleep(delayMs);
                }
                if (!chunk(events.get(i))) {
                    return false;
                }
            }
            endStream();
            return true;
        }

        /** Closes the connection with a TCP reset (no final chunk, no FIN handshake). */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Keeps the connection open without answering. */
        public void hang(long millis) throws InterruptedException {
            Thread.sleep(millis);
            closeAfter = true;
        }

        public long lastEventNanos() {
            return lastEventNanos;
        }

        public boolean clientGone() {
            return clientGone;
        }

        /** Body bytes of the chunks written so far (each write returns once the socket took it). */
        public long bytesSent() {
            return bytesSent.get();
        }

        /** Writes raw bytes (a head or body part without chunk framing); false when the gateway closed. */
        public boolean raw(String text) {
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException e) {
                clientGone = true;
                return false;
            }
        }

        /** The connection's socket (e.g. to shrink its send buffer before a large reply). */
        public Socket socket() {
            return socket;
        }
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-upstream");
        t.setDaemon(true);
        return t;
    });
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Script> queued = new ConcurrentLinkedDeque<>();
    private final List<Reply> replies = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private volatile Script fallback = (req, reply) -> reply.json(500, "{\"error\":{\"message\":\"no script\"}}");

    public StubUpstream() throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        pool.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The answer for every request that has no queued script. */
    public StubUpstream always(Script s) {
        this.fallback = s;
        return this;
    }

    /** Answers the next request with {@code s} (then back to {@link #always}). */
    public StubUpstream next(Script s) {
        queued.add(s);
        return this;
    }

    public List<Recorded> requests() {
        return requests;
    }

    public Recorded lastRequest() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    public List<Reply> replies() {
        return replies;
    }

    public int connectionsOpened() {
        return connections.get();
    }

    /** Connections accepted and not yet closed (by either side). */
    public int connectionsOpen() {
        return open.get();
    }

    public void reset() {
        requests.clear();
        queued.clear();
        replies.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.incrementAndGet();
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!socket.isClosed()) {
                Recorded req = read(in);
                if (req == null) {
                    return;
                }
                requests.add(req);
                Reply reply = new Reply(socket, out);
                replies.add(reply);
                Script s = queued.poll();
                (s == null ? fallback : s).respond(req, reply);
                if (reply.closeAfter || socket.isClosed()) {
                    return;
                }
            }
        } catch (SocketException e) {
            // reset or closed by the gateway
        } catch (Exception e) {
            // a script failure ends this connection
        } finally {
            open.decrementAndGet();
        }
    }

    private static Recorded read(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            if (c > 0) {
                headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
        }
        byte[] body = new byte[0];
        String cl = headers.get("content-length");
        if (cl != null) {
            body = in.readNBytes(Integer.parseInt(cl));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line(in).trim(), 16);
                if (size == 0) {
                    line(in);
                    break;
                }
                buf.write(in.readNBytes(size));
                line(in);
            }
            body = buf.toByteArray();
        }
        return new Recorded(parts[0], parts.length > 1 ? parts[1] : "/", headers,
                new String(body, StandardCharsets.UTF_8), System.nanoTime());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }

    /** Frames a JSON payload as one SSE event (OpenAI style, no event name). */
    public static String data(String json) {
        return "data: " + json + "\n\n";
    }

    /** Frames a JSON payload as one named SSE event (Anthropic style). */
    public static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    public static List<String> lines(String... events) {
        return new ArrayList<>(List.of(events));
    }
}
