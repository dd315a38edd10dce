package dev.caravan.guardrail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.provider.StreamEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stream filter alone: masks across chunk boundaries, holds at most the look-behind, blocks. */
class GuardedStreamEncoderTest {

    final List<String> out = new ArrayList<>();
    final List<Verdict> verdicts = new ArrayList<>();

    static JsonNode chunk(String content, String finish) {
        return Json.MAPPER.createObjectNode().put("id", "c1").put("object", "chat.completion.chunk")
                .put("model", "m").set("choices", Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode()
                        .put("index", 0).<com.fasterxml.jackson.databind.node.ObjectNode>set("delta",
                                content == null ? Json.MAPPER.createObjectNode()
                                        : Json.MAPPER.createObjectNode().put("content", content))
                        .put("finish_reason", finish)));
    }

    GuardedStreamEncoder encoder(MatchingGuardrail g) {
        return new GuardedStreamEncoder(g, StreamEncoder.chat(false), verdicts::add);
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        for (String e : out) {
            if (e.startsWith("data: {")) {
                try {
                    sb.append(Json.MAPPER.readTree(e.substring(6)).at("/choices/0/delta/content").asText(""));
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }
        }
        return sb.toString();
    }

    void send(GuardedStreamEncoder e, JsonNode c) {
        e.chunk(c, b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
    }

    @Test
    void aPatternSplitAcrossChunksIsMasked() {
        PatternGuardrail g = new PatternGuardrail();
        g.setStreamLookBehind(16);
        GuardedStreamEncoder e = encoder(g);
        for (String part : List.of("Write to jo", "hn.doe@examp", "le.com or call", " me. ", "Thanks, bye now!")) {
            send(e, chunk(part, null));
        }
        send(e, chunk(null, "stop"));
        e.end(null, "c1", 0, "m", b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
        assertThat(text()).isEqualTo("Write to [EMAIL] or call me. Thanks, bye now!");
        assertThat(String.join("", out)).doesNotContain("john", "examp");
        assertThat(verdicts).containsExactly(Verdict.MASK);
    }

    @Test
    void otherChoicesPassUntouchedAndDoNotMixIntoTheFirst() {
        GuardedStreamEncoder e = encoder(new PatternGuardrail());
        com.fasterxml.jackson.databind.node.ObjectNode second = (com.fasterxml.jackson.databind.node.ObjectNode) chunk(
                "other text", null);
        ((com.fasterxml.jackson.databind.node.ObjectNode) second.at("/choices/0")).put("index", 1);
        send(e, second);
        assertThat(text()).isEqualTo("other text");
        send(e, chunk("first", "stop"));
        assertThat(text()).isEqualTo("other textfirst");
    }

    @Test
    void theDelayIsBoundedByTheLookBehind() {
        PatternGuardrail g = new PatternGuardrail();
        g.setStreamLookBehind(10);
        GuardedStreamEncoder e = encoder(g);
        send(e, chunk("a".repeat(25), null));
        // everything but the last 10 characters left at once
        assertThat(text()).isEqualTo("a".repeat(15));
        e.end(null, "c1", 0, "m", b -> out.add(new String(b, StandardCharsets.UTF_8).trim()));
        assertThat(text()).isEqualTo("a".repeat(25)); // the rest at the end, even without a finish chunk
    }

    @Test
    void aRejectingGuardrailThrowsItsRejectionWithoutTheText() {
        PatternGuardrail g = new PatternGuardrail();
        g.setName("secrets");
        g.setAction("reject");
        GuardedStreamEncoder e = encoder(g);
        send(e, chunk("the key is sk-ant-", null));
        assertThatThrownBy(() -> send(e, chunk("abcdefghijklmnopqrstuvwxyz0123", null)))
                .isInstanceOfSatisfying(ApiException.class, x -> {
                    assertThat(x.code()).isEqualTo("content_policy_violation");
                    assertThat(x.status()).isEqualTo(400);
                    assertThat(x.getMessage()).contains("secrets", "API_KEY").doesNotContain("abcdefghij");
                });
        assertThat(verdicts).containsExactly(Verdict.BLOCK);
        assertThat(text()).doesNotContain("sk-ant");
    }
}
