package dev.caravan.gateway;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.HostileRequests;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose body (or head) stops arriving gets 408 in its API's error envelope and the connection is closed
 * after {@code caravan.api.request-read-timeout-ms}; a keep-alive connection idle between requests is left alone.
 */
class RequestReadTimeoutTest extends GatewayTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.api.request-read-timeout-ms", "400");
    }

    private HostileRequests.Reply stall(String head) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return HostileRequests.read(s.getInputStream());
        }
    }

    @Test
    void aChunkedBodyThatNeverEndsGets408() throws Exception {
        HostileRequests.Reply r = stall("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mod\r\n");
        assertThat(r.status()).isEqualTo(408);
        JsonNode err = Json.MAPPER.readTree(r.body()).get("error");
        assertThat(err.get("code").asText()).isEqualTo("request_timeout");
        assertThat(r.headers().get("connection")).isEqualTo("close");
    }

    @Test
    void aBodyShorterThanItsLengthGets408InAnthropicsEnvelopeOnMessages() throws Exception {
        HostileRequests.Reply r = stall("POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");
        assertThat(r.status()).isEqualTo(408);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("message").asText()).contains("request-read-timeout-ms");
    }

    @Test
    void aHeadThatNeverEndsGets408() throws Exception {
        HostileRequests.Reply r = stall("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: a");
        assertThat(r.status()).isEqualTo(408);
    }

    @Test
    void anIdleKeepAliveConnectionIsNotTimedOut() throws Exception {
        String req = "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(HostileRequests.read(s.getInputStream()).status()).isEqualTo(200);
            Thread.sleep(1_200);
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(HostileRequests.read(s.getInputStream()).status()).isEqualTo(200);
        }
    }
}
