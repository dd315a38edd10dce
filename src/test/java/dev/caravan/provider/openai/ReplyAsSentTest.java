package dev.caravan.provider.openai;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.caravan.api.Json;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.UpstreamResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A successful OpenAI-compatible reply the gateway leaves as it is goes to the client as the upstream's bytes, with
 * the cost spliced into its usage; every other reply takes the tree path. Either way the client gets the same JSON.
 */
class ReplyAsSentTest {

    private static final String REPLY = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"h\\u00e9llo \u2713 \ud83d\ude00 \\\"q\\\"\"},\"finish_reason\":\"stop\",\"logprobs\":null}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12},"
            + "\"system_fingerprint\":\"fp_1\"}";

    @Test
    void aReplyLeftAsItIsIsSentAsItsBytes() throws Exception {
        byte[] body = bytes(REPLY);
        ChatResult r = translate(body, "openai");
        assertThat(r.isForwarded()).isTrue();
        assertThat(r.bytes()).isSameAs(body);
        assertThat(r.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(r.usage().prompt()).isEqualTo(9);
        assertThat(r.usage().completion()).isEqualTo(3);
    }

    @Test
    void theCostIsSplicedIntoTheUsageAsTheTreePathWritesIt() throws Exception {
        ChatResult asSent = translate(bytes(REPLY), "openai");
        asSent.editUsage(ReplyAsSentTest::cost);
        byte[] out = asSent.bytes();
        assertThat(asSent.isForwarded()).isTrue();

        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(REPLY);
        cost((ObjectNode) tree.get("usage"));
        assertThat(Json.MAPPER.readTree(out)).isEqualTo(tree);
        assertThat(new String(out, StandardCharsets.UTF_8)).as("the usage's own fields first, as the tree keeps them")
                .contains("\"total_tokens\":12,\"cost\":0.0125,\"cost_details\":{\"input\":0.01,\"output\":0.0025}}")
                .startsWith(REPLY.substring(0, REPLY.indexOf("\"usage\"")));
    }

    @Test
    void theTreeAskedForAfterTheCostHasTheCostAndIsWhatIsSent() throws Exception {
        ChatResult r = translate(bytes(REPLY), "openai");
        r.editUsage(ReplyAsSentTest::cost);
        ObjectNode body = r.body();
        assertThat(body.path("usage").path("cost").asDouble()).isEqualTo(0.0125);
        body.put("seen", true); // a later stage may change the tree: from here it is what is sent
        assertThat(r.isForwarded()).isFalse();
        assertThat(Json.MAPPER.readTree(r.bytes()).path("seen").asBoolean()).isTrue();
        r.editUsage(u -> u.put("more", 1));
        assertThat(Json.MAPPER.readTree(r.bytes()).path("usage").path("more").asInt()).isEqualTo(1);
    }

    @Test
    void spacingAndAnEmptyUsageObject() throws Exception {
        String pretty = "{\n  \"choices\" : [ {\"finish_reason\" : \"length\"} ],\n  \"usage\" : { }\n}\n";
        ChatResult r = translate(bytes(pretty), "openai");
        assertThat(r.isForwarded()).isTrue();
        r.editUsage(u -> u.putNull("cost"));
        assertThat(Json.MAPPER.readTree(r.bytes()))
                .isEqualTo(Json.MAPPER.readTree("{\"choices\":[{\"finish_reason\":\"length\"}],\"usage\":{\"cost\":null}}"));

        String noUsage = "{\"choices\":[],\"model\":\"m\"}";
        ChatResult n = translate(bytes(noUsage), "openai");
        n.editUsage(u -> u.put("cost", 1));
        assertThat(n.usage()).isNull();
        assertThat(new String(n.bytes(), StandardCharsets.UTF_8)).isEqualTo(noUsage);
    }

    /** Each reply the tree path has something to do with (or to refuse) is not sent as its bytes. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"choices\":[{\"finish_reason\":\"eos\"}]}",                                   // renamed finish reason
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"cost\":0.5}}",                 // the gateway's own field
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"cost_details\":{}}}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}} trailing",                     // content after the object
        "{\"choices\":[],\"usage\":null}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":\"many\"}}",                       // not plain: data binding
        "{\"choices\":[],\"model\":7}",
        "{\"choices\":[],\"x_groq\":{\"usage\":{\"prompt_tokens\":1}}}",
        "{\"choices\":[],\"error\":{\"message\":\"partial\"}}",
        "{\"choices\":{}}",
        "{\"id\":\"no choices\"}"
    })
    void otherRepliesTakeTheTreePath(String reply) throws Exception {
        ChatResult r = translate(bytes(reply), "together");
        assertThat(r.isForwarded()).isFalse();
        ChatResult tree = OpenAiResponseTranslator.translate("together", new UpstreamResponse(200, null, bytes(reply)),
                OpenAiCompatibleTranslatorTest.shippedQuirks("together"));
        assertThat((JsonNode) r.body()).isEqualTo(tree.body());
    }

    @Test
    void aRepeatedKeyTakesTheTreePathWhereTheLastOneCounts() throws Exception {
        ChatResult r = translate(bytes("{\"choices\":[],\"usage\":{\"prompt_tokens\":1},"
                + "\"usage\":{\"prompt_tokens\":2,\"prompt_tokens\":3}}"), "openai");
        assertThat(r.isForwarded()).isFalse();
        assertThat(r.usage().prompt()).isEqualTo(3);
    }

    @Test
    void aFinishReasonTheQuirksKeepIsSentAsItsBytes() throws Exception {
        assertThat(translate(bytes("{\"choices\":[{\"finish_reason\":\"tool_calls\"},7,{\"x\":[1,{}]}]}"),
                "together").isForwarded()).isTrue();
    }

    private static ChatResult translate(byte[] body, String provider) throws Exception {
        return OpenAiResponseTranslator.translate(provider, new UpstreamResponse(200, null, body),
                OpenAiCompatibleTranslatorTest.shippedQuirks(provider));
    }

    private static void cost(ObjectNode usage) {
        usage.put("cost", 0.0125);
        ObjectNode d = usage.putObject("cost_details");
        d.put("input", 0.01);
        d.put("output", 0.0025);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
