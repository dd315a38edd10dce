package dev.caravan.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.ApiError;
import dev.caravan.api.Usage;
import dev.caravan.error.ApiException;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;

/**
 * The pure halves of the edge translation, without Camel: the cases the recorded fixtures do not reach (refusals,
 * error results, budgets to efforts, junk arguments, streams that end before any content, error events).
 */
class MessagesTranslatorTest {

    static ObjectNode json(String s) {
        return (ObjectNode) GatewayTestSupport.json(s);
    }

    @Test
    void whatOnlyAnthropicServesIsRefusedNamingTheFieldUnlessTheModelIsAnthropics() {
        ObjectNode req = json("{\"model\":\"openai/gpt-4o\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"file_1\"}},"
                + "{\"type\":\"text\",\"text\":\"what is it?\"}]}],"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}");
        assertThatThrownBy(() -> MessagesToChat.translate(req, true)).isInstanceOf(ApiException.class)
                .hasMessageStartingWith("messages[0].content[0].source.type:");
        ObjectNode lenient = MessagesToChat.translate(req, false);
        assertThat(lenient.at("/messages/0/content").asText()).isEqualTo("what is it?");
        assertThat(lenient.has("tools")).isFalse();
        ObjectNode onlyTool = json("{\"model\":\"openai/gpt-4o\",\"max_tokens\":5,\"messages\":[],"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}");
        assertThatThrownBy(() -> MessagesToChat.translate(onlyTool, true)).hasMessageStartingWith("tools[0].type:");
    }

    @Test
    void errorResultsPdfDocumentsNamedToolChoiceAndThinkingBudgets() {
        ObjectNode out = MessagesToChat.translate(json("{\"model\":\"m/x\",\"max_tokens\":9000,"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":8000},"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"lookup\"},"
                + "\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\","
                + "\"is_error\":true,\"content\":\"no such city\"},{\"type\":\"document\",\"source\":{\"type\":"
                + "\"base64\",\"media_type\":\"application/pdf\",\"data\":\"JVBERi0=\"}}]}]}"), true);
        assertThat(out.at("/messages/0/role").asText()).isEqualTo("tool");
        assertThat(out.at("/messages/0/content").asText()).isEqualTo("Error: no such city");
        assertThat(out.at("/messages/1/content/0/file/file_data").asText()).isEqualTo(
                "data:application/pdf;base64,JVBERi0=");
        assertThat(out.at("/tool_choice/function/name").asText()).isEqualTo("lookup");
        assertThat(out.get("reasoning_effort").asText()).isEqualTo("medium");
        ObjectNode low = json("{}");
        MessagesOptions.thinking(json("{\"type\":\"enabled\",\"budget_tokens\":1024}"), low);
        ObjectNode high = json("{}");
        MessagesOptions.thinking(json("{\"type\":\"enabled\",\"budget_tokens\":32000}"), high);
        ObjectNode off = json("{}");
        MessagesOptions.thinking(json("{\"type\":\"disabled\"}"), off);
        assertThat(List.of(low.path("reasoning_effort").asText(), high.path("reasoning_effort").asText()))
                .containsExactly("low", "high");
        assertThat(off.has("reasoning_effort")).isFalse();
    }

    @Test
    void aChatReplyWithReasoningJunkArgumentsAndCacheWrites() {
        ObjectNode chat = json("{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":null,\"reasoning_content\":\"hmm\",\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]},"
                + "\"finish_reason\":\"content_filter\"}]}");
        Usage u = new Usage(100L, 10L, 110L, new Usage.PromptDetails(30L, 20L, null, null), null, null);
        JsonNode m = ChatToMessages.translate(chat, u);
        assertThat(m.at("/content/0/type").asText()).isEqualTo("thinking");
        assertThat(m.at("/content/1/type").asText()).isEqualTo("tool_use");
        assertThat(m.at("/content/1/input")).isEqualTo(json("{}"));
        assertThat(m.get("stop_reason").asText()).isEqualTo("refusal");
        assertThat(Fixtures.normal(m.get("usage"))).isEqualTo(json("{\"input_tokens\":50,\"output_tokens\":10,"
                + "\"cache_creation_input_tokens\":20,\"cache_read_input_tokens\":30}"));
    }

    static List<Fixtures.Ev> events(List<byte[]> out) {
        StringBuilder sb = new StringBuilder();
        out.forEach(b -> sb.append(new String(b, StandardCharsets.UTF_8)));
        return Fixtures.events(sb.toString());
    }

    @Test
    void textAfterAToolCallOpensANewBlockAndAStreamWithoutContentIsStillComplete() {
        List<byte[]> out = new ArrayList<>();
        MessagesStreamEncoder e = new MessagesStreamEncoder("req_1");
        e.chunk(json("{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}"), out::add);
        e.chunk(json("{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"done\"},"
                + "\"finish_reason\":\"stop\"}]}"), out::add);
        e.end(Usage.of(3, 4), "c", 0, "m", out::add);
        assertThat(events(out)).extracting(Fixtures.Ev::event).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_stop", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events(out).get(5).data().at("/index").asInt()).isEqualTo(1);
        assertThat(events(out).get(8).data().at("/delta/stop_reason").asText()).isEqualTo("end_turn");

        List<byte[]> empty = new ArrayList<>();
        new MessagesStreamEncoder("req_2").end(null, null, 0, null, empty::add);
        assertThat(events(empty)).extracting(Fixtures.Ev::event).containsExactly("message_start", "ping",
                "message_delta", "message_stop");
        assertThat(events(empty).get(0).data().at("/message/id").asText()).isEqualTo("msg_req_2");
    }

    @Test
    void anErrorIsOneAnthropicErrorEventEvenAfterAForwardedOne() {
        List<byte[]> out = new ArrayList<>();
        MessagesStreamEncoder e = new MessagesStreamEncoder("req_1");
        e.chunk(json("{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"),
                out::add);
        e.error(ApiError.of("cut", "server_error", null, null), 500, out::add);
        e.error(ApiError.of("again", "server_error", null, null), 500, out::add);
        List<Fixtures.Ev> ev = events(out);
        assertThat(ev.get(ev.size() - 1).data()).isEqualTo(json("{\"type\":\"error\",\"error\":{\"type\":"
                + "\"api_error\",\"message\":\"cut\"}}"));
        assertThat(ev).extracting(Fixtures.Ev::event).containsOnlyOnce("error");

        List<byte[]> native_ = new ArrayList<>();
        MessagesStreamEncoder n = new MessagesStreamEncoder("req_3");
        n.chunk(new StreamEncoder.Verbatim("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n".getBytes(StandardCharsets.UTF_8)), native_::add);
        n.error(ApiError.of("x", "server_error", null, null), 529, native_::add);
        n.end(null, null, 0, null, native_::add);
        assertThat(events(native_)).extracting(Fixtures.Ev::event).containsExactly("error");
    }
}
