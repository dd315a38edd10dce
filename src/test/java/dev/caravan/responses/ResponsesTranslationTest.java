package dev.caravan.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.provider.StreamEncoder;

/** The pure parts of /v1/responses, without Camel: request → chat, chat chunks → Responses events. */
class ResponsesTranslationTest {

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(s);
    }

    @Test
    void itemsBecomeChatMessagesWithParallelCallsInOneAssistantTurn() throws Exception {
        ResponsesRequest req = ResponsesRequest.parse(json("""
                {"model":"m","instructions":"sys","input":[
                  {"role":"user","content":[{"type":"input_text","text":"a"},
                    {"type":"input_image","image_url":"https://x/y.png","detail":"low"}]},
                  {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
                  {"type":"function_call","call_id":"c2","name":"g","arguments":"{\\"x\\":1}"},
                  {"type":"function_call_output","call_id":"c1","output":"one"},
                  {"type":"function_call_output","call_id":"c2","output":"two"}],
                 "text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object"},"strict":true}},
                 "reasoning":{"effort":"low"},"max_output_tokens":9}"""));
        ObjectNode chat = req.toChat(Json.NODES.arrayNode(), new boolean[1]);
        assertThat(chat).isEqualTo(json("""
                {"model":"m","messages":[{"role":"system","content":"sys"},
                  {"role":"user","content":[{"type":"text","text":"a"},
                    {"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low"}}]},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},
                    {"id":"c2","type":"function","function":{"name":"g","arguments":"{\\"x\\":1}"}}]},
                  {"role":"tool","tool_call_id":"c1","content":"one"},
                  {"role":"tool","tool_call_id":"c2","content":"two"}],
                 "max_completion_tokens":9,"reasoning_effort":"low",
                 "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"},
                   "strict":true}}}"""));
        assertThat(req.refused()).isEmpty();
    }

    @Test
    void fieldsWithoutAChatEquivalentAreCollectedNotDropped() throws Exception {
        ResponsesRequest req = ResponsesRequest.parse(json("""
                {"model":"m","input":"x","tools":[{"type":"function","name":"f"},{"type":"file_search"}],
                 "include":["reasoning.encrypted_content"],"text":{"verbosity":"low"},"prompt":{"id":"p"}}"""));
        assertThat(req.refused()).containsOnlyKeys("tools[1].type", "include", "text.verbosity", "prompt");
        assertThatThrownBy(() -> ResponsesRequest.parse(json("{\"model\":\"m\",\"input\":3}")))
                .isInstanceOf(ApiException.class).extracting("param").isEqualTo("input");
    }

    @Test
    void chatChunksBecomeNumberedResponsesEvents() throws Exception {
        ResponsesRequest req = ResponsesRequest.parse(json("{\"model\":\"m\",\"input\":\"x\",\"stream\":true}"));
        ResponsesCall rc = new ResponsesCall(req, "k", null, Json.NODES.arrayNode(), null, 1);
        ResponsesStreamEncoder enc = new ResponsesStreamEncoder(rc);
        List<String> out = new ArrayList<>();
        java.util.function.Consumer<byte[]> sink = b -> out.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
        enc.chunk(json("{\"model\":\"m1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"), sink);
        enc.chunk(json("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}"), sink);
        enc.chunk(json("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}"), sink);
        enc.end(dev.caravan.api.Usage.of(3, 4), "id", 1, "m1", sink);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            JsonNode e = Json.MAPPER.readTree(out.get(i).substring(out.get(i).indexOf("data: ") + 6));
            assertThat(e.get("sequence_number").asInt()).isEqualTo(i);
            types.add(e.get("type").asText());
        }
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        JsonNode done = Json.MAPPER.readTree(out.get(out.size() - 1).substring(out.get(out.size() - 1)
                .indexOf("data: ") + 6));
        assertThat(done.at("/response/output/1/arguments").asText()).isEqualTo("{\"a\":1}");
        assertThat(done.at("/response/usage/total_tokens").asLong()).isEqualTo(7);
        assertThat(done.at("/response/model").asText()).isEqualTo("m1");
    }

    @Test
    void aFailureAfterTheFirstEventEndsWithErrorAndResponseFailed() throws Exception {
        ResponsesRequest req = ResponsesRequest.parse(json("{\"model\":\"m\",\"input\":\"x\",\"stream\":true}"));
        ResponsesStreamEncoder enc = new ResponsesStreamEncoder(
                new ResponsesCall(req, "k", null, Json.NODES.arrayNode(), null, 1));
        List<String> out = new ArrayList<>();
        java.util.function.Consumer<byte[]> sink = b -> out.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
        enc.chunk(json("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"), sink);
        enc.error(dev.caravan.api.ApiError.of("broke", "server_error", null, "upstream_stream_error"), 500, sink);
        assertThat(out.get(out.size() - 2)).startsWith("event: error\n");
        assertThat(out.get(out.size() - 1)).startsWith("event: response.failed\n").contains("\"status\":\"failed\"");
        // a native stream's events pass untouched
        List<String> v = new ArrayList<>();
        new ResponsesStreamEncoder(new ResponsesCall(req, "k", null, Json.NODES.arrayNode(), null, 1)).chunk(
                new StreamEncoder.Verbatim("event: x\ndata: {}\n\n".getBytes()),
                b -> v.add(new String(b, java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(v).containsExactly("event: x\ndata: {}\n\n");
    }
}
