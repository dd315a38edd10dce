package dev.caravan.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Generates malformed and hostile HTTP requests for the public API and sends them over a raw socket (so nothing
 * between the test and the gateway repairs them): broken JSON, wrong types, huge and deeply nested values, invalid
 * UTF-8, NUL bytes, duplicate keys, wrong content types and encodings, chunked bodies (some never finished),
 * oversized headers, request-smuggling shapes (Content-Length with Transfer-Encoding, conflicting lengths) and
 * CR/LF inside header values. Every case is a pure function of its seed, so a failure is reproduced by its seed.
 */
public final class HostileRequests {

    /** A public endpoint: method, path, error envelope ("openai" or "anthropic") and a valid body. */
    public record Target(String method, String path, String format, String body) {
    }

    public static final List<Target> TARGETS = List.of(
            new Target("POST", "/v1/chat/completions", "openai",
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                            + "\"max_tokens\":16,\"temperature\":0.5}"),
            new Target("POST", "/v1/embeddings", "openai",
                    "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"first\",\"second\"],"
                            + "\"encoding_format\":\"float\"}"),
            new Target("POST", "/v1/messages", "anthropic",
                    "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"system\":\"be brief\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"),
            new Target("POST", "/v1/messages/count_tokens", "anthropic",
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
            new Target("POST", "/v1/responses", "openai",
                    "{\"model\":\"gemini/gemini-2.5-flash\",\"input\":\"hi\",\"instructions\":\"be brief\","
                            + "\"max_output_tokens\":16,\"store\":false}"),
            new Target("GET", "/v1/responses/resp_0123456789abcdef", "openai", null),
            new Target("DELETE", "/v1/responses/resp_0123456789abcdef", "openai", null),
            new Target("GET", "/v1/models", "openai", null),
            new Target("GET", "/v1/models/openai/gpt-4o-mini", "openai", null));

    /** One generated request: its bytes, how it is sent, and what it probes (for failure messages). */
    public record Case(long seed, Target target, String kind, byte[] bytes, boolean neverEnds) {
        @Override
        public String toString() {
            return "seed " + seed + " " + kind + " " + target.method() + " " + target.path();
        }
    }

    /** A reply read off the socket; null status means the connection closed without an answer. */
    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final String[] KINDS = {"truncated-json", "wrong-type", "huge-string", "huge-array",
        "deep-nesting", "invalid-utf8", "nul-bytes", "duplicate-keys", "wrong-content-type", "bad-encoding",
        "chunked", "chunked-never-ends", "oversized-header", "cl-and-te", "conflicting-lengths", "bad-length",
        "crlf-in-header", "random-bytes", "wrong-method", "unknown-path", "bad-key", "huge-number",
        "lone-surrogate", "wrong-json-root", "valid"};

    private final String key;
    private final List<Target> targets;

    public HostileRequests(String key) {
        this(key, TARGETS);
    }

    /** Generates requests for the given targets only. */
    public HostileRequests(String key, List<Target> targets) {
        this.key = key;
        this.targets = targets;
    }

    /** The case for one seed. */
    public Case generate(long seed) {
        Random r = new Random(seed);
        Target t = targets.get(r.nextInt(targets.size()));
        String kind = KINDS[r.nextInt(KINDS.length)];
        String body = t.body() == null ? "" : t.body();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "127.0.0.1");
        headers.put("Authorization", "Bearer " + key);
        headers.put("Content-Type", "application/json");
        if (t.format().equals("anthropic")) {
            headers.put("anthropic-version", "2023-06-01");
        }
        headers.put("Connection", "close");
        String method = t.method();
        String path = t.path();
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        switch (kind) {
            case "truncated-json" -> payload = slice(payload, r.nextInt(Math.max(1, payload.length)));
            case "wrong-type" -> payload = wrongType(body, r).getBytes(StandardCharsets.UTF_8);
            case "huge-string" -> payload = replaceFirstString(body, "x".repeat(100_000 + r.nextInt(400_000)))
                    .getBytes(StandardCharsets.UTF_8);
            case "huge-array" -> payload = replaceFirstString(body, "\",\"" + "1,".repeat(50_000 + r.nextInt(50_000))
                    + "\"").getBytes(StandardCharsets.UTF_8);
            case "deep-nesting" -> {
                int depth = 1_000 + r.nextInt(100_000);
                String open = r.nextBoolean() ? "[" : "{\"a\":";
                payload = ("{\"model\":\"openai/gpt-4o-mini\",\"messages\":" + open.repeat(depth))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case "invalid-utf8" -> payload = insert(payload, r, new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
                {(byte) 0xC0, (byte) 0xAF}}[r.nextInt(5)]);
            case "nul-bytes" -> payload = insert(payload, r, new byte[] {0, 0, 0});
            case "duplicate-keys" -> payload = ("{\"model\":\"openai/gpt-4o-mini\",\"model\":\"nope/x\""
                    + (body.length() > 2 ? "," + body.substring(1) : "}")).getBytes(StandardCharsets.UTF_8);
            case "wrong-content-type" -> headers.put("Content-Type", new String[] {"text/plain",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
                "application/json; charset=utf-16", ""}[r.nextInt(6)]);
            case "bad-encoding" -> headers.put("Content-Encoding", new String[] {"gzip", "br", "deflate", "zstd",
                "x-unknown"}[r.nextInt(5)]);
            case "oversized-header" -> headers.put("X-Filler", "a".repeat(16_000 + r.nextInt(100_000)));
            case "crlf-in-header" -> headers.put("X-Injected", new String[] {"a\rb", "a\nContent-Length: 0",
                "a\r\nTransfer-Encoding: chunked", "a\u0000b"}[r.nextInt(4)]);
            case "random-bytes" -> {
                payload = new byte[1 + r.nextInt(4096)];
                r.nextBytes(payload);
            }
            case "wrong-method" -> method = new String[] {"PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO"}
                    [r.nextInt(6)];
            case "unknown-path" -> path = new String[] {"/v1/chat/completion", "/v1/../admin", "/v2/embeddings",
                "/v1/messages/count", "/%00", "/v1/responses/" + "x".repeat(5000)}[r.nextInt(6)];
            case "bad-key" -> headers.put("Authorization", new String[] {"Bearer sk-wrong", "Basic Zm9vOmJhcg==",
                "Bearer ", "bearer " + key + "x"}[r.nextInt(4)]);
            case "huge-number" -> payload = body.replaceFirst(":16", ":" + new String[] {"1e999999",
                "123456789012345678901234567890", "-1", "1.5", "NaN", "0x10"}[r.nextInt(6)])
                    .getBytes(StandardCharsets.UTF_8);
            case "lone-surrogate" -> payload = replaceFirstString(body, "\\ud800\\udc00\\udfff")
                    .getBytes(StandardCharsets.UTF_8);
            case "wrong-json-root" -> payload = new String[] {"[]", "null", "\"text\"", "42", "", "{}", "{}{}",
                "{\"model\":null}"}[r.nextInt(8)].getBytes(StandardCharsets.UTF_8);
            default -> {
            }
        }
        boolean hasBody = t.body() != null || payload.length > 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 512);
        boolean neverEnds = false;
        switch (kind) {
            case "chunked", "chunked-never-ends" -> {
                headers.put("Transfer-Encoding", "chunked");
                writeHead(out, method, path, headers);
                int i = 0;
                while (i < payload.length) {
                    int n = Math.min(payload.length - i, 1 + r.nextInt(64));
                    out.writeBytes((Integer.toHexString(n) + (r.nextInt(5) == 0 ? ";ext=1" : "") + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(payload, i, n);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                    i += n;
                }
                if (kind.equals("chunked")) {
                    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    neverEnds = true;
                }
            }
            case "cl-and-te" -> {
                headers.put("Content-Length", Integer.toString(payload.length));
                headers.put("Transfer-Encoding", new String[] {"chunked", "chunked, identity", "identity",
                    " chunked", "xchunked"}[r.nextInt(5)]);
                writeHead(out, method, path, headers);
                out.writeBytes(payload);
            }
            case "conflicting-lengths" -> {
                // two Content-Length lines that disagree
                headers.put("Content-Length", payload.length + "\r\nContent-Length: " + (payload.length + 7));
                writeHead(out, method, path, headers);
                out.writeBytes(payload);
            }
            case "bad-length" -> {
                headers.put("Content-Length", new String[] {"-1", "abc", "99999999999999999999", "1 2", "+5"}
                        [r.nextInt(5)]);
                writeHead(out, method, path, headers);
                out.writeBytes(payload);
            }
            default -> {
                if (hasBody || !method.equals("GET")) {
                    headers.put("Content-Length", Integer.toString(payload.length));
                }
                writeHead(out, method, path, headers);
                out.writeBytes(payload);
            }
        }
        return new Case(seed, t, kind, out.toByteArray(), neverEnds);
    }

    private static void writeHead(ByteArrayOutputStream out, String method, String path, Map<String, String> h) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        h.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n");
        out.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] slice(byte[] b, int n) {
        byte[] s = new byte[n];
        System.arraycopy(b, 0, s, 0, n);
        return s;
    }

    private static byte[] insert(byte[] b, Random r, byte[] what) {
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        byte[] s = new byte[b.length + what.length];
        System.arraycopy(b, 0, s, 0, at);
        System.arraycopy(what, 0, s, at, what.length);
        System.arraycopy(b, at, s, at + what.length, b.length - at);
        return s;
    }

    private static String replaceFirstString(String body, String with) {
        int q = body.indexOf("\":\"");
        if (q < 0) {
            return body;
        }
        int start = q + 3;
        int end = body.indexOf('"', start);
        return body.substring(0, start) + with + body.substring(end);
    }

    private static String wrongType(String body, Random r) {
        if (body.isEmpty()) {
            return "{\"x\":1}";
        }
        // replace the value after a random key with a value of another JSON type
        List<Integer> colons = new ArrayList<>();
        for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) == ':' && i > 0 && body.charAt(i - 1) == '"') {
                colons.add(i);
            }
        }
        int c = colons.get(r.nextInt(colons.size()));
        int end = valueEnd(body, c + 1);
        String v = new String[] {"1", "-3.5e300", "true", "null", "[]", "{}", "[{\"a\":[1,{}]}]", "\"\"",
            "\"str\"", "[null]"}[r.nextInt(10)];
        return body.substring(0, c + 1) + v + body.substring(end);
    }

    private static int valueEnd(String s, int from) {
        int depth = 0;
        boolean str = false;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (str) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    str = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                continue;
            }
            switch (ch) {
                case '"' -> str = true;
                case '[', '{' -> depth++;
                case ']', '}' -> {
                    if (depth == 0) {
                        return i;
                    }
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                case ',' -> {
                    if (depth == 0) {
                        return i;
                    }
                }
                default -> {
                }
            }
        }
        return s.length();
    }

    // ---- the raw client ----

    /**
     * Sends one case on a new connection and reads the reply (Content-Length, chunked or until close). A body that
     * never ends is followed by a half-close after its bytes are sent.
     */
    public static Reply send(int port, Case c, int readTimeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(readTimeoutMs);
            OutputStream out = s.getOutputStream();
            try {
                out.write(c.bytes());
                out.flush();
                if (c.neverEnds()) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the gateway may answer and close before reading everything (413, 400): read what it said
            }
            return read(s.getInputStream());
        }
    }

    public static Reply read(InputStream in) throws IOException {
        String statusLine;
        try {
            statusLine = line(in);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return new Reply(0, Map.of(), new byte[0]);
        }
        if (statusLine == null) {
            return new Reply(0, Map.of(), new byte[0]);
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            String size;
            while ((size = line(in)) != null) {
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    break;
                }
                body.writeBytes(in.readNBytes(n));
                line(in);
            }
        } else {
            body.writeBytes(in.readAllBytes());
        }
        return new Reply(status, headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int ch;
        while ((ch = in.read()) >= 0) {
            if (ch == '\n') {
                byte[] a = b.toByteArray();
                int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(ch);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
