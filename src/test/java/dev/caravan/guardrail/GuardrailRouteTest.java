package dev.caravan.guardrail;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.PolicyHook;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guardrail steps in a routing file, through the real gateway: masking and rejecting requests and answers,
 * streams masked across chunks and ended on a block, the Anthropic envelope on /v1/messages, a webhook that
 * allows, masks, blocks or is too slow (fail-open and fail-closed), and the verdict counters.
 */
class GuardrailRouteTest extends GatewayTestSupport {

    /** The policy service the webhook guardrails ask. */
    static final PolicyHook HOOK = new PolicyHook();

    @AfterAll
    static void stopHook() {
        HOOK.close();
    }

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        String hook = HOOK.url();
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), """
                - beans:
                    - name: secrets
                      type: "#class:dev.caravan.guardrail.PatternGuardrail"
                      properties:
                        name: secrets
                        action: reject
                        patterns: "api-key,credit-card"
                    - name: deny
                      type: "#class:dev.caravan.guardrail.DenyListGuardrail"
                      properties:
                        name: deny
                        words: "project falcon, launch codes"
                    - name: pii
                      type: "#class:dev.caravan.guardrail.PatternGuardrail"
                      properties:
                        name: pii
                        action: mask
                        patterns: "email,phone,iban,us-ssn"
                        streamLookBehind: "32"
                    - name: denyMask
                      type: "#class:dev.caravan.guardrail.DenyListGuardrail"
                      properties:
                        name: deny-mask
                        action: mask
                        label: CODENAME
                        words: "bluebird"
                    - name: size
                      type: "#class:dev.caravan.guardrail.PromptSizeGuardrail"
                      properties:
                        name: size
                        maxChars: "2000"
                    - name: hookOpen
                      type: "#class:dev.caravan.guardrail.WebhookGuardrail"
                      properties:
                        name: hook-open
                        url: "%s"
                        timeoutMs: "300"
                        failOpen: "true"
                        on: request
                    - name: hookClosed
                      type: "#class:dev.caravan.guardrail.WebhookGuardrail"
                      properties:
                        name: hook-closed
                        url: "%s"
                        timeoutMs: "300"
                        failOpen: "false"
                        on: request
                - templatedRoute:
                    routeTemplateRef: guardrail
                    routeId: guarded.templated
                    parameters:
                      - { name: id, value: templated }
                      - { name: guardrail, value: denyMask }
                      - { name: target, value: "direct:provider.openai.chat?block=false" }
                - route:
                    id: route.chat
                    from:
                      uri: direct:route.chat
                      steps:
                        - choice:
                            when:
                              - simple: "${header.CaravanTask} == 'hook-open'"
                                steps:
                                  - process: { ref: hookOpen }
                              - simple: "${header.CaravanTask} == 'hook-closed'"
                                steps:
                                  - process: { ref: hookClosed }
                            otherwise:
                              steps:
                                - process: { ref: size }
                                - process: { ref: secrets }
                                - process: { ref: deny }
                                - process: { ref: pii }
                        - process: { ref: modelRouter }
                        - choice:
                            when:
                              - simple: "${header.CaravanTask} == 'templated'"
                                steps:
                                  - to: direct:guarded.templated
                            otherwise:
                              steps:
                                - toD: "direct:provider.${header.CaravanProvider}.chat?block=false"
                        # after the call: the non-stream answer
                        - process: { ref: secrets }
                        - process: { ref: pii }
                """.formatted(hook, hook));
    }

    static String completion(String content) {
        return """
                {"id":"chatcmpl-g","object":"chat.completion","created":1735689600,"model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"""
                .formatted(quote(content));
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String chunk(String content, String finish) {
        return StubUpstream.data("{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":"
                + (content == null ? "{}" : "{\"content\":" + quote(content) + "}") + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    static String ask(String text) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":" + quote(text) + "}]}";
    }

    static String askVia(String task, String text) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"metadata\":{\"task\":\"" + task + "\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + quote(text) + "}]}";
    }

    @BeforeEach
    void clear() {
        stub.reset();
        stub.always((req, reply) -> reply.json(200, completion("Noted.")));
        HOOK.reset();
    }

    static void policyError(HttpResponse<String> r, String guardrail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = json(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_policy_violation");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("message").asText()).contains("'" + guardrail + "'");
    }

    @Test
    void personalDataInThePromptIsMaskedBeforeTheProviderSeesIt() {
        HttpResponse<String> r = chat(ask("I am jane.roe@example.org, call 415-555-0132 about DE89 3704 0044 0532 0130 00"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String sent = json(stub.lastRequest().body()).at("/messages/1/content").asText();
        assertThat(sent).isEqualTo("I am [EMAIL], call [PHONE] about [IBAN]");
        assertThat(stub.lastRequest().body()).doesNotContain("jane.roe", "0132", "DE89");
        assertThat(json(stub.lastRequest().body()).at("/messages/0/content").asText()).isEqualTo("be brief");
    }

    @Test
    void aSecretInThePromptIsRejectedWithoutEchoingIt() {
        HttpResponse<String> r = chat(ask("use sk-proj-abcdefghijklmnopqrstuvwxyz123 and card 4111 1111 1111 1111"));
        policyError(r, "secrets");
        assertThat(r.body()).contains("API_KEY").doesNotContain("abcdefghij", "4111");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void deniedTermsAndOversizedPromptsAreRejected() {
        policyError(chat(ask("tell me about Project  FALCON")), "deny");
        assertThat(chat(ask("tell me about project falconry")).statusCode()).isEqualTo(200);
        policyError(chat(ask("x".repeat(2100))), "size");
    }

    @Test
    void theAnswerIsMaskedOrRejectedAfterTheCall() {
        stub.always((req, reply) -> reply.json(200, completion("Reach them at help@vendor.example, SSN 123-45-6789.")));
        HttpResponse<String> r = chat(ask("who?"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).at("/choices/0/message/content").asText())
                .isEqualTo("Reach them at [EMAIL], SSN [SSN].");

        stub.always((req, reply) -> reply.json(200, completion("the key: AKIAABCDEFGHIJKLMNOP")));
        HttpResponse<String> blocked = chat(ask("key?"));
        policyError(blocked, "secrets");
        assertThat(blocked.body()).doesNotContain("AKIA");
        assertThat(json(blocked.body()).at("/error/message").asText()).contains("response");
    }

    @Test
    void anEmailSplitAcrossStreamChunksIsMasked() {
        stub.always((req, reply) -> reply.sse(List.of(chunk("", null), chunk("Mail jo", null),
                chunk("hn.doe@exa", null), chunk("mple.com for the ", null), chunk("details, thank you very much.", null),
                chunk(null, "stop"), "data: [DONE]\n\n"), 20));
        StreamResult s = stream("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(s.response().statusCode()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        s.events().forEach(e -> text.append(e.at("/choices/0/delta/content").asText("")));
        assertThat(text.toString()).isEqualTo("Mail [EMAIL] for the details, thank you very much.");
        assertThat(String.join("\n", s.lines().stream().map(Line::text).toList())).doesNotContain("john", "doe@");
        assertThat(s.events().get(s.events().size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void aBlockMidStreamEndsTheStreamWithAnErrorEvent() {
        // three stream guardrails hold back 64 + 64 + 32 characters: 400 are enough for text to reach the client
        // before the key arrives
        stub.always((req, reply) -> reply.sse(List.of(chunk("Sure. ", null), chunk("x".repeat(400), null),
                chunk("Your key is sk-ant-", null), chunk("api03-abcdefghijklmnopqrstuvwxyz", null),
                chunk(" and more text", null), chunk(null, "stop"), "data: [DONE]\n\n"), 20));
        StreamResult s = stream("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(s.response().statusCode()).isEqualTo(200);
        List<JsonNode> ev = s.events();
        assertThat(ev.get(0).at("/choices/0/delta/content").asText()).startsWith("Sure. ");
        JsonNode last = ev.get(ev.size() - 1);
        assertThat(last.at("/error/code").asText()).isEqualTo("content_policy_violation");
        assertThat(last.at("/error/message").asText()).contains("'secrets'");
        assertThat(String.join("\n", s.lines().stream().map(Line::text).toList())).doesNotContain("sk-ant", "abcdefghij");
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void aBlockInTheFirstChunkIsAPlain400() {
        stub.always((req, reply) -> reply.sse(List.of(chunk("card 4111 1111 1111 1111", null), chunk(null, "stop"),
                "data: [DONE]\n\n"), 0));
        HttpResponse<String> r = chat("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        policyError(r, "secrets");
        assertThat(r.body()).doesNotContain("4111");
    }

    @Test
    void aRejectionOnMessagesUsesAnthropicsEnvelope() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/messages")).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"what are the launch codes?\"}]}"))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode b = json(r.body());
        assertThat(b.get("type").asText()).isEqualTo("error");
        assertThat(b.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(b.at("/error/message").asText()).contains("'deny'").doesNotContain("launch codes");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void onMessagesToAnthropicTheClientsOwnBodyAndTheNativeAnswerAreMasked() {
        stub.always((req, reply) -> reply.json(200, """
                {"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Write to ops@vendor.example."}],"stop_reason":"end_turn",
                 "stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}"""));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/messages")).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,\"system\":\"user is a@b.io\","
                                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                                + "\"text\":\"my phone is 415-555-0132\"}]}]}"))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = json(stub.lastRequest().body());
        assertThat(sent.at("/system").toString()).contains("[EMAIL]").doesNotContain("a@b.io");
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("my phone is [PHONE]");
        // the answer, in Anthropic's form, masked after the call too
        assertThat(json(r.body()).at("/content/0/text").asText()).isEqualTo("Write to [EMAIL].");
    }

    @Test
    void onResponsesTheInputAndTheAnswerAreMasked() {
        stub.always((req, reply) -> reply.json(200, """
                {"id":"msg_01B","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Sent to boss@corp.example."}],"stop_reason":"end_turn",
                 "stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}"""));
        HttpResponse<String> r = post("/v1/responses", "{\"model\":\"anthropic/claude-sonnet-4-5\","
                + "\"instructions\":\"reply to x@y.io\",\"input\":\"forward to boss@corp.example\",\"store\":false}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String sent = stub.lastRequest().body();
        assertThat(sent).contains("forward to [EMAIL]", "reply to [EMAIL]").doesNotContain("@corp", "x@y.io");
        assertThat(r.body()).contains("Sent to [EMAIL].").doesNotContain("boss@");
    }

    @Test
    void theGuardrailTemplateChecksTheRequestAndTheAnswer() {
        stub.always((req, reply) -> reply.json(200, completion("Bluebird ships Friday.")));
        HttpResponse<String> r = chat(askVia("templated", "when does bluebird ship?"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(stub.lastRequest().body()).at("/messages/0/content").asText())
                .isEqualTo("when does [CODENAME] ship?");
        assertThat(json(r.body()).at("/choices/0/message/content").asText()).isEqualTo("[CODENAME] ships Friday.");
    }

    @Test
    void embeddingsInputIsMaskedToo() {
        stub.always((req, reply) -> reply.json(200, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]},
                 {"object":"embedding","index":1,"embedding":[0.3,0.4]}],"model":"text-embedding-3-small",
                 "usage":{"prompt_tokens":8,"total_tokens":8}}"""));
        HttpResponse<String> r = post("/v1/embeddings", "{\"model\":\"openai/text-embedding-3-small\","
                + "\"input\":[\"first a@b.io\",\"plain\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(stub.lastRequest().body()).get("input").toString()).isEqualTo("[\"first [EMAIL]\",\"plain\"]");
    }

    static String textDelta(String text) {
        return StubUpstream.event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(text) + "}}");
    }

    @Test
    void aNativeAnthropicStreamOnMessagesIsMaskedAcrossEvents() {
        stub.always((req, reply) -> reply.sse(List.of(
                StubUpstream.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"),
                StubUpstream.event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                textDelta("Mail jo"), textDelta("hn.doe@exa"), textDelta("mple.com now"),
                StubUpstream.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                StubUpstream.event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        + "\"end_turn\"},\"usage\":{\"output_tokens\":6}}"),
                StubUpstream.event("message_stop", "{\"type\":\"message_stop\"}")), 10));
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/messages")).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:") && line.contains("text_delta")) {
                text.append(json(line.substring(5).trim()).at("/delta/text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Mail [EMAIL] now");
        assertThat(r.body()).doesNotContain("john", "doe@").contains("message_stop");
        // the text delta released at the block's end comes before content_block_stop
        assertThat(r.body().indexOf("[EMAIL]")).isLessThan(r.body().indexOf("content_block_stop"));
    }

    static String outputDelta(String text) {
        return StubUpstream.event("response.output_text.delta", "{\"type\":\"response.output_text.delta\","
                + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":" + quote(text) + "}");
    }

    @Test
    void aNativeResponsesStreamIsMaskedInDeltasAndInTheFullTexts() {
        String full = "Mail john.doe@example.com now";
        String response = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-4o-mini\","
                + "\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":"
                + "[{\"type\":\"output_text\",\"text\":" + quote(full) + "}]}],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":6,\"total_tokens\":11}}";
        stub.always((req, reply) -> reply.sse(List.of(
                StubUpstream.event("response.created", "{\"type\":\"response.created\",\"response\":"
                        + response.replace("\"completed\"", "\"in_progress\"").replace("Mail john", "Mail jack") + "}"),
                outputDelta("Mail jo"), outputDelta("hn.doe@exa"), outputDelta("mple.com now"),
                StubUpstream.event("response.output_text.done", "{\"type\":\"response.output_text.done\","
                        + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":" + quote(full) + "}"),
                StubUpstream.event("response.completed", "{\"type\":\"response.completed\",\"response\":"
                        + response + "}")), 10));
        HttpResponse<String> r = post("/v1/responses", "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"store\":false,\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:") && line.contains("output_text.delta")) {
                text.append(json(line.substring(5).trim()).get("delta").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Mail [EMAIL] now");
        assertThat(r.body()).doesNotContain("john", "jack", "doe@").contains("response.completed")
                .contains("\"text\":\"Mail [EMAIL] now\"");
    }

    @Test
    void webhookAllowsMasksAndBlocks() {
        assertThat(chat(askVia("hook-open", "hello there")).statusCode()).isEqualTo(200);
        assertThat(HOOK.calls).hasSize(1);
        assertThat(HOOK.calls.get(0).get("stage").asText()).isEqualTo("request");
        assertThat(HOOK.calls.get(0).get("text").asText()).isEqualTo("hello there");
        assertThat(HOOK.calls.get(0).get("guardrail").asText()).isEqualTo("hook-open");

        HOOK.reply = "{\"action\":\"mask\",\"text\":\"hello [NAME]\"}";
        assertThat(chat(askVia("hook-open", "hello Bob")).statusCode()).isEqualTo(200);
        assertThat(json(stub.lastRequest().body()).at("/messages/0/content").asText()).isEqualTo("hello [NAME]");

        HOOK.reply = "{\"action\":\"block\",\"reason\":\"off-topic\"}";
        stub.reset();
        HttpResponse<String> r = chat(askVia("hook-closed", "hello Bob"));
        policyError(r, "hook-closed");
        assertThat(json(r.body()).at("/error/message").asText()).contains("off-topic");
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aSlowWebhookFailsOpenOrClosedAsConfigured() {
        HOOK.delayMs = 1500;
        long t0 = System.nanoTime();
        assertThat(chat(askVia("hook-open", "hello")).statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1400);
        HttpResponse<String> r = chat(askVia("hook-closed", "hello"));
        policyError(r, "hook-closed");
        assertThat(r.body()).contains("300 ms");
    }

    @Test
    void verdictsAreCounted() {
        double mask = verdicts("pii", "mask");
        double block = verdicts("deny", "block");
        double allow = verdicts("deny", "allow");
        chat(ask("mail me: a@b.io"));
        chat(ask("project falcon"));
        assertThat(verdicts("pii", "mask")).isEqualTo(mask + 1);
        assertThat(verdicts("deny", "block")).isEqualTo(block + 1);
        assertThat(verdicts("deny", "allow")).isEqualTo(allow + 1);
    }

    double verdicts(String guardrail, String verdict) {
        String metrics = adminGet("/metrics").body();
        Matcher m = Pattern.compile("(?m)^caravan_guardrail_verdicts_total\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains("guardrail=\"" + guardrail + "\"") && m.group(1).contains("verdict=\"" + verdict + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
