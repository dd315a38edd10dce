package dev.caravan.gateway;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API consumer does not copy request headers into the Camel message; {@link ApiGuard} reads the path, the
 * method and the few headers Caravan uses from the Netty request. These are the request shapes where that could
 * differ from the component's own mapping: percent-encoded paths, query strings, absolute-form targets, header
 * names in any case, and a header sent on several lines.
 */
class RequestTargetTest extends GatewayTestSupport {

    static final String OK_BODY = BadInputTest.OK_BODY;

    @AfterEach
    void stillServing() {
        stub.always((req, reply) -> reply.json(200, OpenAiRouteTestBodies.COMPLETION));
        assertThat(chat(OK_BODY).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("authorization", "Bearer " + KEY).GET().build());
    }

    /** Sends one raw HTTP/1.1 request and returns the whole reply (the request asks the server to close). */
    private String raw(String head, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write((head + "Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: " + b.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aModelIdWithAnEncodedSlashIsTheSameModel() {
        HttpResponse<String> plain = get("/v1/models/openai/gpt-4o-mini");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(json(plain.body()).get("id").asText()).isEqualTo("openai/gpt-4o-mini");
        HttpResponse<String> encoded = get("/v1/models/openai%2Fgpt-4o-mini");
        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(json(encoded.body()).get("id").asText()).isEqualTo("openai/gpt-4o-mini");
    }

    @Test
    void aPathThatIsNotValidPercentEncodingGetsAJson404() throws Exception {
        // (java.net.URI refuses to build these, hence the raw requests)
        assertThat(raw("GET /v1/models/gpt%zz HTTP/1.1\r\nAuthorization: Bearer " + KEY + "\r\n", ""))
                .startsWith("HTTP/1.1 404").contains("application/json").contains("model_not_found");
        assertThat(raw("GET /v1/nothing%zz HTTP/1.1\r\nAuthorization: Bearer " + KEY + "\r\n", ""))
                .startsWith("HTTP/1.1 404").contains("application/json").contains("unknown_url");
    }

    @Test
    void aQueryStringDoesNotChangeTheEndpoint() throws Exception {
        stub.always((req, reply) -> reply.json(200, OpenAiRouteTestBodies.COMPLETION));
        assertThat(raw("POST /v1/chat/completions?api-version=1&x=%zz HTTP/1.1\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\n", OK_BODY)).startsWith("HTTP/1.1 200")
                .contains("chat.completion");
        assertThat(get("/v1/models?limit=1").statusCode()).isEqualTo(200);
    }

    @Test
    void anAbsoluteFormTargetAndHeaderNamesInAnyCase() throws Exception {
        stub.always((req, reply) -> reply.json(200, OpenAiRouteTestBodies.COMPLETION));
        String reply = raw("POST http://127.0.0.1:" + port + "/v1/chat/completions HTTP/1.1\r\n"
                + "AUTHORIZATION: Bearer " + KEY + "\r\nContent-TYPE: application/json\r\n", OK_BODY);
        assertThat(reply).startsWith("HTTP/1.1 200").contains("chat.completion");
        // the key checked in its header whatever the case, and a wrong one still refused
        assertThat(raw("POST /v1/chat/completions HTTP/1.1\r\nX-Api-Key: sk-wrong\r\n"
                + "content-type: application/json\r\n", OK_BODY)).startsWith("HTTP/1.1 401").contains("invalid_api_key");
    }

    @Test
    void aHeaderSentOnSeveralLinesIsReadAsOneCommaSeparatedValue() throws Exception {
        stub.always((req, reply) -> reply.json(200, OpenAiRouteTestBodies.COMPLETION));
        // two content-type lines: the joined value is not application/json alone, so the check sees both
        String reply = raw("POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer " + KEY + "\r\n"
                + "Content-Type: text/plain\r\nContent-Type: application/json\r\n", OK_BODY);
        assertThat(reply).startsWith("HTTP/1.1 415").contains("text/plain,application/json");
    }
}
