package dev.caravan.guardrail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.ApiError;
import dev.caravan.error.ApiException;
import dev.caravan.provider.StreamEncoder;

import static dev.caravan.guardrail.GuardedStreamEncoderTest.chunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The held-for-review stream encoder alone, with the webhook's answer under the test's control. */
class ReviewedStreamEncoderTest {

    final List<String> out = new ArrayList<>();
    final List<Verdict> verdicts = new ArrayList<>();
    final List<ObjectNode> reviewed = new ArrayList<>();
    final CompletableFuture<Verdict> reply = new CompletableFuture<>();

    /** A webhook guardrail whose service answers {@link #reply}; a mask rewrites the text to "[MASKED]". */
    final WebhookGuardrail guard = new WebhookGuardrail() {
        @Override
        CompletableFuture<Verdict> answerAsync(ObjectNode completion) {
            reviewed.add(completion);
            return reply.thenApply(v -> {
                if (v == Verdict.MASK) {
                    ((ObjectNode) completion.at("/choices/0/message")).put("content", "[MASKED]");
                }
                return v;
            });
        }
    };

    ReviewedStreamEncoder encoder() {
        guard.setName("review");
        return new ReviewedStreamEncoder(guard, StreamEncoder.chat(false), verdicts::add);
    }

    void send(ReviewedStreamEncoder e, JsonNode c) {
        e.chunk(c, b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
    }

    CompletableFuture<Void> end(ReviewedStreamEncoder e) {
        CompletableFuture<Void> f = e.endDeferred(null, "c1", 0, "m", b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
        return f == null ? CompletableFuture.completedFuture(null) : f;
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        for (String e : out) {
            if (e.startsWith("data: {")) {
                sb.append(dev.caravan.testing.GatewayTestSupport.json(e.substring(6)).at("/choices/0/delta/content").asText(""));
            }
        }
        return sb.toString();
    }

    ReviewedStreamEncoder answered(String... parts) {
        ReviewedStreamEncoder e = encoder();
        for (String p : parts) {
            send(e, chunk(p, null));
        }
        send(e, chunk(null, "stop"));
        return e;
    }

    @Test
    void nothingLeavesUntilTheReviewAllowsIt() {
        ReviewedStreamEncoder e = answered("Hello ", "world");
        CompletableFuture<Void> done = end(e);
        assertThat(out).isEmpty();
        assertThat(reviewed).hasSize(1);
        assertThat(reviewed.get(0).at("/choices/0/message/content").asText()).isEqualTo("Hello world");
        assertThat(reviewed.get(0).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        reply.complete(Verdict.ALLOW);
        assertThat(done).isCompleted();
        assertThat(text()).isEqualTo("Hello world");
        assertThat(out.get(out.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(verdicts).containsExactly(Verdict.ALLOW);
    }

    @Test
    void aMaskPutsTheReviewedTextInTheFirstTextChunkAndKeepsTheFinishReason() {
        ReviewedStreamEncoder e = answered("", "Hello ", "world");
        CompletableFuture<Void> done = end(e);
        reply.complete(Verdict.MASK);
        assertThat(done).isCompleted();
        assertThat(text()).isEqualTo("[MASKED]");
        assertThat(String.join("\n", out)).doesNotContain("Hello", "world").contains("\"finish_reason\":\"stop\"");
        assertThat(verdicts).containsExactly(Verdict.MASK);
    }

    @Test
    void aBlockDropsTheHeldAnswer() {
        ReviewedStreamEncoder e = answered("a secret");
        CompletableFuture<Void> done = end(e);
        reply.completeExceptionally(guard.rejection("response", "no"));
        assertThat(done).isCompletedExceptionally();
        assertThatThrownBy(done::join).hasCauseInstanceOf(ApiException.class);
        e.error(ApiError.of("blocked", "invalid_request_error", null, "content_policy_violation"), 400,
                b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
        assertThat(String.join("\n", out)).doesNotContain("secret").contains("content_policy_violation");
        assertThat(verdicts).containsExactly(Verdict.BLOCK);
    }

    @Test
    void anAnswerWithoutTextIsNotSentForReview() {
        ReviewedStreamEncoder e = encoder();
        send(e, chunk(null, "tool_calls"));
        assertThat(end(e)).isCompleted();
        assertThat(reviewed).isEmpty();
        assertThat(verdicts).containsExactly(Verdict.ALLOW);
    }

    @Test
    void tooLongAnAnswerIsRefusedWhenFailingClosed() {
        guard.setStreamMaxChars(10);
        ReviewedStreamEncoder e = encoder();
        send(e, chunk("0123456", null));
        assertThatThrownBy(() -> send(e, chunk("789ab", null))).isInstanceOf(ApiException.class)
                .hasMessageContaining("10 characters");
        assertThat(out).isEmpty();
        assertThat(verdicts).containsExactly(Verdict.BLOCK);
    }

    @Test
    void tooLongAnAnswerPassesUnreviewedWhenFailingOpen() {
        guard.setStreamMaxChars(10);
        guard.setFailOpen(true);
        ReviewedStreamEncoder e = encoder();
        send(e, chunk("0123456", null));
        send(e, chunk("789ab", null));
        send(e, chunk("cd", null));
        assertThat(end(e)).isCompleted();
        assertThat(text()).isEqualTo("0123456789abcd");
        assertThat(reviewed).isEmpty();
        assertThat(verdicts).containsExactly(Verdict.ERROR);
    }

    @Test
    void anUpstreamFailureWhileHeldSendsOnlyTheErrorEvent() {
        ReviewedStreamEncoder e = answered("unreviewed text");
        e.error(ApiError.of("broke", "server_error", null, "upstream_stream_error"), 500,
                b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
        assertThat(String.join("\n", out)).doesNotContain("unreviewed").contains("upstream_stream_error");
    }
}
