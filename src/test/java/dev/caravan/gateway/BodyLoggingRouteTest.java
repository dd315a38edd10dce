package dev.caravan.gateway;

import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Through the real routes: bodies are logged only for the keys named in caravan.log.bodies.keys, redacted. */
class BodyLoggingRouteTest extends GatewayTestSupport {

    static final String OTHER_KEY = "sk-cvn-test-otherkey-5555666677778888";

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.log.bodies.keys", "test", "caravan.log.redact-patterns", "\\b\\d{3}-\\d{2}-\\d{4}\\b",
                "caravan.keys.other", OTHER_KEY);
    }

    @BeforeEach
    void capture() {
        lines.start();
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).addAppender(lines);
        stub.reset();
        stub.always((req, reply) -> reply.json(200, """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                 "message":{"role":"assistant","content":"Stored 987-65-4321."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""));
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(lines);
    }

    static String request() {
        return """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user",
                 "content":"SSN 123-45-6789, upstream key %s"}]}""".formatted(PROVIDER_KEY);
    }

    @Test
    void anEnabledKeyGetsRedactedBodiesInItsAccessLine() {
        assertThat(chat(request()).statusCode()).isEqualTo(200);
        List<JsonNode> logged = lines.list.stream().map(e -> json(e.getFormattedMessage())).toList();
        JsonNode line = logged.get(logged.size() - 1);
        assertThat(line.get("key_id").asText()).isEqualTo("test");
        assertThat(line.at("/request_body/messages/0/content").asText())
                .isEqualTo("SSN [redacted], upstream key [redacted]");
        assertThat(line.at("/response_body/choices/0/message/content").asText()).isEqualTo("Stored [redacted].");
        assertThat(line.toString()).doesNotContain(PROVIDER_KEY, KEY, "123-45-6789", "987-65-4321");
    }

    @Test
    void otherKeysNeverGetBodies() {
        java.net.http.HttpResponse<String> r = send(java.net.http.HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + OTHER_KEY).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request())).build());
        assertThat(r.statusCode()).isEqualTo(200);
        String line = lines.list.get(lines.list.size() - 1).getFormattedMessage();
        assertThat(json(line).get("key_id").asText()).isEqualTo("other");
        assertThat(line).doesNotContain("request_body", "response_body", "SSN");
    }
}
