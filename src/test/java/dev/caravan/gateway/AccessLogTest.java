package dev.caravan.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.provider.ChatResult;
import dev.caravan.api.Usage;
import dev.caravan.auth.Principal;
import dev.caravan.logging.BodyLogPolicy;
import dev.caravan.logging.Redactor;
import dev.caravan.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/** The access line: every field the operator needs, bodies only when the key's policy allows, then redacted. */
class AccessLogTest {

    static final String SECRET = "sk-proj-accesslogtestsecret-000111222";

    static ChatCall call(String keyId) throws Exception {
        ChatCall call = new ChatCall("req_1", System.nanoTime() - 12_000_000, null, true, Map.of());
        call.endpoint("chat");
        call.principal(new Principal(keyId, "acme", Map.of()));
        ObjectNode raw = (ObjectNode) Json.MAPPER.readTree("""
                {"model":"openai/gpt-4o","messages":[{"role":"user","content":"my key is %s, my SSN 123-45-6789"}]}
                """.formatted(SECRET));
        call.request(raw, Json.MAPPER.treeToValue(raw, ChatRequest.class));
        call.provider("openai");
        call.responseHeader(CallFacts.DEPLOYMENT_HEADER, "openai-eu");
        call.attempts().addAll(List.of(new Attempt("openai-us", "503", 120), new Attempt("openai-eu", "ok", 340)));
        // as the upstream sent it: the log line parses it only because bodies are logged
        call.response(ChatResult.forwarded("""
                {"choices":[{"message":{"role":"assistant","content":"Noted: 123-45-6789"}}]}"""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), null, null, -1, false));
        return call;
    }

    static CallOutcome outcome() throws Exception {
        Usage u = Json.MAPPER.readValue("""
                {"prompt_tokens":20,"completion_tokens":5,"total_tokens":25,"cost":0.00042}""", Usage.class);
        return new CallOutcome(200, u, false, "ok", null, 0, 0, System.nanoTime());
    }

    @Test
    void oneLineCarriesIdsRoutingTokensCostAndLatency() throws Exception {
        Secrets.register(SECRET);
        JsonNode line = Json.MAPPER.readTree(new AccessLog().line(call("team-a"), outcome()));
        assertThat(line.get("request_id").asText()).isEqualTo("req_1");
        assertThat(line.get("key_id").asText()).isEqualTo("team-a");
        assertThat(line.get("tenant").asText()).isEqualTo("acme");
        assertThat(line.get("model").asText()).isEqualTo("openai/gpt-4o");
        assertThat(line.get("provider").asText()).isEqualTo("openai");
        assertThat(line.get("deployment").asText()).isEqualTo("openai-eu");
        assertThat(line.get("attempts").asInt()).isEqualTo(2);
        assertThat(line.get("trace").get(0).get("deployment").asText()).isEqualTo("openai-us");
        assertThat(line.get("trace").get(0).get("outcome").asText()).isEqualTo("503");
        assertThat(line.get("trace").get(1).get("ms").asLong()).isEqualTo(340);
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("prompt_tokens").asLong()).isEqualTo(20);
        assertThat(line.get("completion_tokens").asLong()).isEqualTo(5);
        assertThat(line.get("cost_usd").asDouble()).isEqualTo(0.00042);
        assertThat(line.get("latency_ms").asDouble()).isGreaterThanOrEqualTo(12.0);
        assertThat(line.get("stream").asBoolean()).isFalse();
        assertThat(line.get("result").asText()).isEqualTo("ok");
        assertThat(Instant.parse(line.get("ts").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void theTimestampIsWhatInstantToStringWrites() {
        for (Instant t : List.of(Instant.parse("2026-12-06T23:29:35Z"), Instant.parse("2026-12-06T23:29:35.100Z"),
                Instant.parse("2026-12-06T23:29:35.000120Z"), Instant.parse("2026-12-06T23:29:35.000000007Z"),
                Instant.parse("2026-12-06T23:29:35.439728997Z"), Instant.parse("2026-12-06T23:29:36.999999999Z"),
                Instant.parse("1999-12-31T23:59:59.5Z"), Instant.now())) {
            assertThat(AccessLog.timestamp(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void bodiesAreNeverLoggedByDefault() throws Exception {
        String text = new AccessLog().line(call("team-a"), outcome());
        assertThat(text).doesNotContain("request_body", "response_body", "123-45-6789", "my key");
    }

    @Test
    void bodiesOfEnabledKeysAreLoggedRedacted() throws Exception {
        Secrets.register(SECRET);
        AccessLog log = new AccessLog(BodyLogPolicy.forKeys(List.of("team-a")),
                new Redactor("\\b\\d{3}-\\d{2}-\\d{4}\\b", 4096));
        JsonNode line = Json.MAPPER.readTree(log.line(call("team-a"), outcome()));
        assertThat(line.at("/request_body/messages/0/content").asText())
                .isEqualTo("my key is [redacted], my SSN [redacted]");
        assertThat(line.at("/response_body/choices/0/message/content").asText()).isEqualTo("Noted: [redacted]");
        assertThat(line.toString()).doesNotContain(SECRET, "123-45-6789");

        // another key of the same gateway: no bodies
        assertThat(Json.MAPPER.readTree(log.line(call("team-b"), outcome())).has("request_body")).isFalse();
    }

    @Test
    void aKeyStoreCanReplaceThePolicy() throws Exception {
        AccessLog log = new AccessLog();
        log.bodyLogPolicy(p -> "team-b".equals(p.keyId()));
        assertThat(Json.MAPPER.readTree(log.line(call("team-b"), outcome())).has("request_body")).isTrue();
        assertThat(Json.MAPPER.readTree(log.line(call("team-a"), outcome())).has("request_body")).isFalse();
    }
}
