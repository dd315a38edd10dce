package dev.caravan.guardrail;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;
import dev.caravan.testing.PolicyHook;
import dev.caravan.testing.StubUpstream;

import static dev.caravan.guardrail.GuardrailRouteTest.chunk;
import static dev.caravan.guardrail.GuardrailRouteTest.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook guardrail on streamed answers, through the real gateway: the answer is held whole, its assembled
 * text goes to the policy service, and the client gets it unchanged, with the service's text, or an error event
 * instead — on Chat Completions and on the native Anthropic Messages and OpenAI Responses streams; a slow or
 * failing service and an answer too long to review follow the guardrail's fail-open setting; the call is
 * metered either way.
 */
class WebhookStreamRouteTest extends MoneyTestSupport {

    static final PolicyHook HOOK = new PolicyHook();

    @AfterAll
    static void stopHook() {
        HOOK.close();
    }

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), """
                - beans:
                    - name: review
                      type: "#class:dev.caravan.guardrail.WebhookGuardrail"
                      properties:
                        name: review
                        url: "%1$s"
                        timeoutMs: "400"
                        failOpen: "false"
                        on: response
                    - name: reviewOpen
                      type: "#class:dev.caravan.guardrail.WebhookGuardrail"
                      properties:
                        name: review-open
                        url: "%1$s"
                        timeoutMs: "400"
                        failOpen: "true"
                        streamMaxChars: "40"
                        on: response
                    - name: pii
                      type: "#class:dev.caravan.guardrail.PatternGuardrail"
                      properties:
                        name: pii
                        patterns: "email"
                        streamLookBehind: "16"
                - route:
                    id: route.chat
                    from:
                      uri: direct:route.chat
                      steps:
                        - choice:
                            when:
                              - simple: "${header.CaravanTask} == 'open'"
                                steps:
                                  - process: { ref: reviewOpen }
                              - simple: "${header.CaravanTask} == 'pii-first'"
                                steps:
                                  - process: { ref: pii }
                                  - process: { ref: review }
                            otherwise:
                              steps:
                                - process: { ref: review }
                        - process: { ref: modelRouter }
                        - toD: "direct:provider.${header.CaravanProvider}.chat?block=false"
                        - process: { ref: review }
                """.formatted(HOOK.url()));
    }

    @BeforeEach
    void clear() {
        stub.reset();
        HOOK.reset();
        stub.always((req, reply) -> reply.sse(List.of(chunk("", null), chunk("Call Bob", null),
                chunk(" at noon, he knows.", null), chunk(null, "stop"), USAGE, "data: [DONE]\n\n"), 10));
    }

    static final String USAGE = StubUpstream.data("{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1735689600,\"model\":\"gpt-4o-mini\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7,\"total_tokens\":16}}");

    static String streamAsk(String task) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + (task == null ? "" : "\"metadata\":{\"task\":\"" + task + "\"},")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"when?\"}]}";
    }

    static String text(StreamResult s) {
        StringBuilder text = new StringBuilder();
        s.events().forEach(e -> text.append(e.at("/choices/0/delta/content").asText("")));
        return text.toString();
    }

    static String body(StreamResult s) {
        return String.join("\n", s.lines().stream().map(Line::text).toList());
    }

    Map<String, Object> row(StreamResult s) {
        String id = s.response().headers().firstValue("x-request-id").orElseThrow();
        await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> ledger().stream().anyMatch(r -> id.equals(r.get("request_id"))));
        return ledger().stream().filter(r -> id.equals(r.get("request_id"))).findFirst().orElseThrow();
    }

    @Test
    void anAllowedAnswerIsReleasedWholeAfterTheServiceSawTheAssembledText() {
        StreamResult s = stream(streamAsk(null));
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(text(s)).isEqualTo("Call Bob at noon, he knows.");
        assertThat(HOOK.calls).hasSize(1);
        JsonNode call = HOOK.calls.get(0);
        assertThat(call.get("stage").asText()).isEqualTo("response");
        assertThat(call.get("guardrail").asText()).isEqualTo("review");
        assertThat(call.get("text").asText()).isEqualTo("Call Bob at noon, he knows.");
        assertThat(call.at("/response/object").asText()).isEqualTo("chat.completion");
        assertThat(call.at("/response/choices/0/message/content").asText()).isEqualTo("Call Bob at noon, he knows.");
        assertThat(call.at("/response/choices/0/finish_reason").asText()).isEqualTo("stop");
        List<JsonNode> ev = s.events();
        assertThat(ev.get(ev.size() - 1).at("/usage/completion_tokens").asInt()).as("the usage chunk").isPositive();
        assertThat(s.endsWithDone()).isTrue();
        assertThat(row(s).get("outcome")).isEqualTo("ok");
    }

    @Test
    void aMaskedAnswerReachesTheClientOnlyAsTheServiceRewroteIt() {
        HOOK.reply = "{\"action\":\"mask\",\"text\":\"Call [NAME] at noon.\"}";
        StreamResult s = stream(streamAsk(null));
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(text(s)).isEqualTo("Call [NAME] at noon.");
        assertThat(body(s)).doesNotContain("Bob", "he knows");
        List<JsonNode> ev = s.events();
        assertThat(ev.stream().anyMatch(e -> "stop".equals(e.at("/choices/0/finish_reason").asText()))).isTrue();
        assertThat(s.endsWithDone()).isTrue();
    }

    @Test
    void aBlockedAnswerIsNeverSentAndTheStreamEndsWithThePolicyError() {
        double before = verdicts("review", "block");
        HOOK.reply = "{\"action\":\"block\",\"reason\":\"names a person\"}";
        StreamResult s = stream(streamAsk(null));
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(body(s)).doesNotContain("Bob", "noon");
        JsonNode last = s.events().get(s.events().size() - 1);
        assertThat(last.at("/error/code").asText()).isEqualTo("content_policy_violation");
        assertThat(last.at("/error/message").asText()).contains("'review'", "names a person");
        assertThat(s.endsWithDone()).isTrue();
        assertThat(verdicts("review", "block")).isEqualTo(before + 1);
        Map<String, Object> row = row(s);
        assertThat(row.get("outcome")).isEqualTo("error");
        assertThat(((Number) row.get("completion_tokens")).longValue()).as("what the provider produced is metered")
                .isPositive();
    }

    @Test
    void aSlowServiceFailsClosedOrOpenAsConfigured() {
        HOOK.delayMs = 1500;
        StreamResult closed = stream(streamAsk(null));
        assertThat(body(closed)).doesNotContain("Bob");
        JsonNode last = closed.events().get(closed.events().size() - 1);
        assertThat(last.at("/error/code").asText()).isEqualTo("content_policy_violation");
        assertThat(last.at("/error/message").asText()).contains("400 ms");

        double errors = verdicts("review-open", "error");
        StreamResult open = stream(streamAsk("open"));
        assertThat(text(open)).isEqualTo("Call Bob at noon, he knows.");
        assertThat(open.endsWithDone()).isTrue();
        assertThat(verdicts("review-open", "error")).isEqualTo(errors + 1);
    }

    @Test
    void anAnswerLongerThanTheReviewLimitFollowsTheFailureSetting() {
        stub.always((req, reply) -> reply.sse(List.of(chunk("", null), chunk("a".repeat(30), null),
                chunk("b".repeat(30), null), chunk("c".repeat(30), null), chunk(null, "stop"), "data: [DONE]\n\n"), 10));
        StreamResult open = stream(streamAsk("open"));
        assertThat(text(open)).isEqualTo("a".repeat(30) + "b".repeat(30) + "c".repeat(30));
        assertThat(HOOK.calls).as("not sent for review").isEmpty();
    }

    @Test
    void aPatternGuardrailBeforeTheWebhookMasksWhatTheServiceSees() {
        stub.always((req, reply) -> reply.sse(List.of(chunk("", null), chunk("Mail jo", null),
                chunk("hn@example.org today", null), chunk(null, "stop"), "data: [DONE]\n\n"), 10));
        StreamResult s = stream(streamAsk("pii-first"));
        assertThat(text(s)).isEqualTo("Mail [EMAIL] today");
        assertThat(HOOK.calls).hasSize(1);
        assertThat(HOOK.calls.get(0).get("text").asText()).isEqualTo("Mail [EMAIL] today");
    }

    @Test
    void aNativeAnthropicStreamOnMessagesIsReviewedAndMasked() {
        stub.always((req, reply) -> reply.sse(List.of(
                StubUpstream.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"),
                StubUpstream.event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                GuardrailRouteTest.textDelta("Call Bob"), GuardrailRouteTest.textDelta(" at noon."),
                StubUpstream.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                StubUpstream.event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        + "\"end_turn\"},\"usage\":{\"output_tokens\":6}}"),
                StubUpstream.event("message_stop", "{\"type\":\"message_stop\"}")), 10));
        HOOK.reply = "{\"action\":\"mask\",\"text\":\"Call [NAME] at noon.\"}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/messages")).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"anthropic/claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"when?\"}]}"))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(HOOK.calls.get(0).get("text").asText()).isEqualTo("Call Bob at noon.");
        assertThat(HOOK.calls.get(0).at("/response/choices/0/finish_reason").asText()).isEqualTo("end_turn");
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:") && line.contains("text_delta")) {
                text.append(json(line.substring(5).trim()).at("/delta/text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Call [NAME] at noon.");
        assertThat(r.body()).doesNotContain("Bob").contains("message_stop");
    }

    @Test
    void aNativeResponsesStreamIsReviewedAndItsFullTextsReplaced() {
        String full = "Call Bob at noon.";
        String response = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-4o-mini\","
                + "\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":"
                + "[{\"type\":\"output_text\",\"text\":" + quote(full) + "}]}],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":6,\"total_tokens\":11}}";
        stub.always((req, reply) -> reply.sse(List.of(
                StubUpstream.event("response.created", "{\"type\":\"response.created\",\"response\":"
                        + response.replace("\"completed\"", "\"in_progress\"").replace(quote(full), "\"\"") + "}"),
                GuardrailRouteTest.outputDelta("Call Bob"), GuardrailRouteTest.outputDelta(" at noon."),
                StubUpstream.event("response.output_text.done", "{\"type\":\"response.output_text.done\","
                        + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":" + quote(full) + "}"),
                StubUpstream.event("response.completed", "{\"type\":\"response.completed\",\"response\":"
                        + response + "}")), 10));
        HOOK.reply = "{\"action\":\"mask\",\"text\":\"Call [NAME] at noon.\"}";
        HttpResponse<String> r = post("/v1/responses", "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                + "\"store\":false,\"input\":\"when?\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(HOOK.calls.get(0).get("text").asText()).isEqualTo(full);
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:") && line.contains("output_text.delta")) {
                text.append(json(line.substring(5).trim()).get("delta").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("Call [NAME] at noon.");
        assertThat(r.body()).doesNotContain("Bob").contains("response.completed")
                .contains("\"text\":\"Call [NAME] at noon.\"");
    }

    double verdicts(String guardrail, String verdict) {
        String metrics = adminGet("/metrics").body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("caravan_guardrail_verdicts_total{") && line.contains("guardrail=\"" + guardrail + "\"")
                    && line.contains("verdict=\"" + verdict + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
