package dev.caravan.provider;

import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A complete, non-streamed upstream reply (or the error reply of a stream request). The headers of a reply read
 * from the wire are kept as Netty read them and made into {@link HttpHeaders} only when asked for: a successful
 * reply's headers are seldom read (error mapping reads {@code retry-after}, Bedrock its error type and token count).
 */
public final class UpstreamResponse {

    private final int status;
    private final byte[] body;
    private io.netty.handler.codec.http.HttpHeaders wire;
    private HttpHeaders headers;

    public UpstreamResponse(int status, HttpHeaders headers, byte[] body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    private UpstreamResponse(int status, io.netty.handler.codec.http.HttpHeaders wire, byte[] body) {
        this.status = status;
        this.wire = wire;
        this.body = body;
    }

    /** A reply as read from the wire, its headers as Netty decoded them. */
    static UpstreamResponse read(int status, io.netty.handler.codec.http.HttpHeaders wire, byte[] body) {
        return new UpstreamResponse(status, wire, body);
    }

    public int status() {
        return status;
    }

    public byte[] body() {
        return body;
    }

    /** The reply's headers, names case-insensitive; null for a reply made without any. */
    public synchronized HttpHeaders headers() {
        if (headers == null && wire != null) {
            headers = of(wire);
            wire = null;
        }
        return headers;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** {@code retry-after} (or {@code retry-after-ms}) in whole seconds, when the upstream sent one. */
    public Long retryAfterSeconds() {
        return RetryAfter.seconds(headers());
    }

    static HttpHeaders of(io.netty.handler.codec.http.HttpHeaders wire) {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> e : wire) {
            m.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue());
        }
        return HttpHeaders.of(m, (a, b) -> true);
    }
}
