package dev.caravan.gateway;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad input gets the OpenAI error envelope with the right status, never a stack trace, an empty
 * reply or a 500, and the gateway keeps serving afterwards.
 */
class BadInputTest extends GatewayTestSupport {

    static final String OK_BODY = """
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";

    @Override
    protected Map<String, String> properties() {
        // groq without a key (blank property, no GROQ_API_KEY in the test environment)
        return Map.of("caravan.provider.groq.api-key", " ", "caravan.api.max-body-bytes", "65536");
    }

    @AfterEach
    void stillServing() {
        stub.always((req, reply) -> reply.json(200, OpenAiRouteTestBodies.COMPLETION));
        assertThat(chat(OK_BODY).statusCode()).isEqualTo(200);
    }

    static void assertEnvelope(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode err = json(r.body()).get("error");
        assertThat(err).isNotNull();
        assertThat(err.fieldNames()).toIterable().containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(err.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        if (code != null) {
            assertThat(err.get("code").asText()).isEqualTo(code);
        }
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(r.headers().firstValue("x-caravan-provider")).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON              | {\"model\":                                              | 400 | invalid_json",
        "empty object                | {}                                                       | 400 | missing_required_parameter",
        "array body                  | []                                                       | 400 | invalid_json",
        "missing model               | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}   | 400 | missing_required_parameter",
        "empty model                 | {\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | missing_required_parameter",
        "missing messages            | {\"model\":\"openai/x\"}                                 | 400 | missing_required_parameter",
        "empty messages              | {\"model\":\"openai/x\",\"messages\":[]}                 | 400 | empty_array",
        "messages not an array       | {\"model\":\"openai/x\",\"messages\":\"hi\"}             | 400 | invalid_type",
        "unknown role                | {\"model\":\"openai/x\",\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]} | 400 | invalid_value",
        "tool without id             | {\"model\":\"openai/x\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]} | 400 | missing_required_parameter",
        "content a number            | {\"model\":\"openai/x\",\"messages\":[{\"role\":\"user\",\"content\":5}]} | 400 | invalid_type",
        "stream not a boolean        | {\"model\":\"openai/x\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 400 | invalid_type",
        "unknown provider            | {\"model\":\"nope/x\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 404 | model_not_found",
        "model without provider      | {\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 404 | model_not_found",
        "provider without key        | {\"model\":\"groq/llama\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | 503 | provider_not_configured",
    })
    void badBodies(String name, String body, int status, String code) {
        assertEnvelope(chat(body), status, code);
    }

    @Test
    void missingKeyMessageNamesTheEnvironmentVariable() {
        HttpResponse<String> r = chat("{\"model\":\"groq/llama\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(json(r.body()).at("/error/message").asText()).contains("GROQ_API_KEY");
    }

    @Test
    void emptyBody() {
        assertEnvelope(post("/v1/chat/completions", ""), 400, "invalid_json");
    }

    @Test
    void wrongContentType() {
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + KEY)
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OK_BODY)).build()), 415, "unsupported_media_type");
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + KEY)
                .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(OK_BODY)).build()),
                415, "unsupported_media_type");
    }

    @Test
    void bodyOverTheLimit() {
        String big = "{\"model\":\"openai/x\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(70_000) + "\"}]}";
        assertEnvelope(chat(big), 413, "request_too_large");
    }

    /**
     * The 413 reaches a client that is still uploading when it is written: the connection is not closed under it
     * (a close with unread bytes sends a reset, which the client could see instead of the reply; CI saw "header
     * parser received no bytes" once).
     */
    @Test
    void aClientStillUploadingAfterThe413StillReadsIt() throws Exception {
        int length = 400_000;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // the gateway has answered 413 by now
            byte[] part = new byte[50_000];
            java.util.Arrays.fill(part, (byte) 'a');
            for (int sent = 0; sent < length; sent += part.length) {
                out.write(part);
                out.flush();
            }
            dev.caravan.testing.HostileRequests.Reply r = dev.caravan.testing.HostileRequests.read(s.getInputStream());
            assertThat(r.status()).isEqualTo(413);
            assertThat(json(new String(r.body(), StandardCharsets.UTF_8)).get("error").get("code").asText())
                    .isEqualTo("request_too_large");
        }
    }

    @Test
    void unknownPathAndWrongMethod() {
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/nothing")).header("authorization", "Bearer " + KEY).GET()
                .build()), 404, "unknown_url");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).GET().build());
        assertEnvelope(r, 405, "method_not_allowed");
        assertThat(r.headers().firstValue("allow")).hasValue("POST");
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/models")).header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build()),
                405, "method_not_allowed");
    }

    @Test
    void missingOrWrongGatewayKey() {
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(OK_BODY)).build()), 401, "missing_api_key");
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer sk-wrong")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(OK_BODY)).build()),
                401, "invalid_api_key");
        assertEnvelope(send(HttpRequest.newBuilder(uri("/v1/models")).header("authorization", "Basic abc").GET().build()),
                401, "missing_api_key");
    }

    @Test
    void noRequestHeaderIsEchoed() {
        stub.always((req, reply) -> reply.json(200, OpenAiRouteTestBodies.COMPLETION));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .header("x-custom-secret", "s3cr3t").header("cookie", "session=abc")
                .POST(HttpRequest.BodyPublishers.ofString(OK_BODY)).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().map().keySet()).allMatch(h -> h.equals(":status") || h.equals("content-type")
                || h.equals("content-length") || h.equals("x-request-id") || h.startsWith("x-caravan-"));
        assertThat(r.headers().map().toString()).doesNotContain(KEY).doesNotContain("s3cr3t");
        // and nothing but what the provider needs went upstream
        assertThat(stub.lastRequest().headers().keySet()).doesNotContain("x-custom-secret", "cookie");
        assertThat(stub.lastRequest().headers().toString()).doesNotContain(KEY);
        // error replies do not echo either
        HttpResponse<String> e = send(HttpRequest.newBuilder(uri("/v1/nothing")).header("authorization", "Bearer " + KEY)
                .header("x-custom-secret", "s3cr3t").GET().build());
        assertThat(e.headers().map().toString()).doesNotContain(KEY).doesNotContain("s3cr3t");
    }

    @Test
    void aRequestNettyCannotDecodeGetsAJson400() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 400").contains("\"error\"");
        }
    }

    @ParameterizedTest
    @CsvSource({"TRACE, /v1/models", "CONNECT, 127.0.0.1:443", "TRACE, /v1/chat/completions"})
    void traceAndConnectGetAJson405(String method, String target) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 405").contains("application/json").contains("method_not_allowed");
        }
    }

    /** Leading NUL bytes make Jackson's encoding detection pick UTF-32 and fail to decode: a 400, not a 500. */
    @ParameterizedTest
    @CsvSource({"/v1/chat/completions", "/v1/embeddings"})
    void nulBytesBeforeTheJsonGetA400(String path) {
        // (the Anthropic-compatible endpoints are covered by HostileRequestsTest's envelope check)
        assertEnvelope(post(path, "\0\0\0{\"model\":\"openai/x\"}"), 400, "invalid_json");
    }

    @Test
    void healthNeedsNoKey() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/health")).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).get("status").asText()).isEqualTo("ok");
    }
}
