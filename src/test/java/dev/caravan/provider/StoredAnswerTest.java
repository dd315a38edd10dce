package dev.caravan.provider;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer served from the response cache goes out as the bytes that were stored, with the hit's cost spliced into
 * its usage: the same JSON the tree path gives, without parsing a tree. Bytes that cannot be served that way give
 * null, and the cache step takes the tree.
 */
class StoredAnswerTest {

    private static final String STORED = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"claude-sonnet-4-5\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"h\\u00e9llo \u2713 \\\"usage\\\"\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0}},\"system_fingerprint\":null}";

    private static final Usage USAGE = Usage.of(9, 3);

    @Test
    void aStoredAnswerGoesOutAsItsBytesWithTheCostSplicedIn() throws Exception {
        byte[] body = bytes(STORED);
        ChatResult r = ChatResult.stored(body, USAGE);
        assertThat(r).isNotNull();
        assertThat(r.isForwarded()).isTrue();
        assertThat(r.bytes()).as("nothing added: the stored bytes themselves").isSameAs(body);
        assertThat(r.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(r.usage()).isSameAs(USAGE);

        r.editUsage(StoredAnswerTest::hitCost);
        byte[] out = r.bytes();
        assertThat(r.isForwarded()).isTrue();
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(STORED);
        hitCost((ObjectNode) tree.get("usage"));
        assertThat(Json.MAPPER.readTree(out)).as("what the tree path sends").isEqualTo(tree);
        assertThat(new String(out, StandardCharsets.UTF_8))
                .contains("\"prompt_tokens_details\":{\"cached_tokens\":0},\"cost\":0,")
                .endsWith("},\"system_fingerprint\":null}");
    }

    @Test
    void anEmptyUsageObjectAndNoUsageAtAll() throws Exception {
        ChatResult empty = ChatResult.stored(bytes("{ \"choices\" : [ ], \"usage\" : { } }"), null);
        empty.editUsage(u -> u.put("cost", 0));
        assertThat(Json.MAPPER.readTree(empty.bytes()))
                .isEqualTo(Json.MAPPER.readTree("{\"choices\":[],\"usage\":{\"cost\":0}}"));

        byte[] none = bytes("{\"choices\":[],\"model\":{\"not\":\"a string\"}}");
        ChatResult n = ChatResult.stored(none, null);
        n.editUsage(u -> u.put("cost", 0));
        assertThat(n.bytes()).as("no usage object: nothing to add to").isSameAs(none);
        assertThat(n.model()).isNull();
    }

    @Test
    void theTreeAskedForLaterHasTheCost() throws Exception {
        ChatResult r = ChatResult.stored(bytes(STORED), USAGE);
        r.editUsage(StoredAnswerTest::hitCost);
        assertThat(r.body().at("/usage/cost_details/saved").asDouble()).isEqualTo(0.0125);
        assertThat(r.isForwarded()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,2]",
        "{\"choices\":[]} {}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"cost\":0.5}}",
        "{\"choices\":[],\"usage\":{\"cost_details\":{}}}",
        "{\"choices\":[],\"usage\":{},\"usage\":{}}",
        "{\"choices\":[],\"usage\":[]}",
        "{\"model\":\"a\",\"model\":\"b\"}",
        "{\"choices\":[",
        ""
    })
    void bytesThatCannotBeServedAsTheyAreAreLeftToTheTree(String stored) {
        assertThat(ChatResult.stored(bytes(stored), null)).isNull();
    }

    /** What CostStep writes for a hit: zero cost and what the answer cost when it was stored. */
    private static void hitCost(ObjectNode usage) {
        usage.put("cost", 0);
        usage.putObject("cost_details").put("saved", 0.0125);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
