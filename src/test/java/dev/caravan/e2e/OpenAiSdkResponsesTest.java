package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import org.junit.jupiter.api.Test;


/**
 * The official OpenAI Java SDK's {@code client.responses()} against the gateway: create (translated to Anthropic and
 * passed through to OpenAI), streaming with text and function-call argument deltas, retrieve and delete. The SDK
 * validates the Response objects, so a missing or mistyped field fails here.
 */
class OpenAiSdkResponsesTest extends OpenAiSdkSupport {

    @Test
    void createRetrieveAndDeleteOnATranslatedProvider() {
        stub.always((req, r) -> r.json(200, """
                {"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Paris."}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":20,"output_tokens":3}}"""));
        Response created = client.responses().create(ResponseCreateParams.builder()
                .model("anthropic/claude-sonnet-4-5").instructions("Be brief.").input("Capital of France?").build());
        created.validate();
        assertThat(created.id()).startsWith("resp_");
        assertThat(created.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Paris.");
        assertThat(created.usage().orElseThrow().inputTokens()).isEqualTo(20);
        assertThat(created.usage().orElseThrow().outputTokens()).isEqualTo(3);

        Response got = client.responses().retrieve(created.id());
        got.validate();
        assertThat(got.id()).isEqualTo(created.id());
        assertThat(got.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("Paris.");

        client.responses().delete(created.id());
        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void nativeCreateReachesTheSdk() {
        stub.always((req, r) -> r.json(200, """
                {"id":"resp_abc123","object":"response","created_at":1741476542,"status":"completed","error":null,
                 "incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4o-mini-2024-07-18",
                 "output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant",
                   "content":[{"type":"output_text","annotations":[],"text":"Hi there."}]}],
                 "parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},
                 "store":false,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],
                 "top_p":1.0,"truncation":"disabled","usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":0,
                 "cache_write_tokens":0},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":12},"user":null,
                 "metadata":{}}"""));
        Response r = client.responses().create(ResponseCreateParams.builder().model("openai/gpt-4o-mini")
                .input("Hello").build());
        r.validate();
        assertThat(stub.lastRequest().path()).isEqualTo("/openai/responses");
        assertThat(r.id()).isEqualTo("resp_abc123");
        assertThat(r._additionalProperties().get("store").toString()).isEqualTo("true");
        assertThat(client.responses().retrieve("resp_abc123").id()).isEqualTo("resp_abc123");
    }

    @Test
    void streamingTextAndFunctionCallArgumentsFromGeminiAndAnthropic() {
        stub.always((req, r) -> r.sse(List.of(
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"One,\"}],\"role\":\"model\"},\"index\":0}],"
                        + "\"modelVersion\":\"gemini-2.5-flash\"}\n\n",
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" two.\"}],\"role\":\"model\"},"
                        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4,"
                        + "\"candidatesTokenCount\":3,\"totalTokenCount\":7},\"modelVersion\":\"gemini-2.5-flash\"}\n\n"),
                5));
        StringBuilder text = new StringBuilder();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams
                .builder().model("gemini/gemini-2.5-flash").input("Count").build())) {
            for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
                if (e.isOutputTextDelta()) {
                    text.append(e.asOutputTextDelta().delta());
                } else if (e.isCompleted()) {
                    completed = e.asCompleted().response();
                }
            }
        }
        assertThat(text.toString()).isEqualTo("One, two.");
        assertThat(completed).isNotNull();
        completed.validate();
        assertThat(completed.usage().orElseThrow().totalTokens()).isEqualTo(7);

        stub.always((req, r) -> r.sse(List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
                        + "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                        + "\"usage\":{\"input_tokens\":30,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                        + "\"usage\":{\"output_tokens\":12}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), 5));
        List<String> deltas = new ArrayList<>();
        String done = null;
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams
                .builder().model("anthropic/claude-sonnet-4-5").input("Weather in Paris?")
                .addTool(com.openai.models.responses.FunctionTool.builder().name("get_weather")
                        .parameters(com.openai.models.responses.FunctionTool.Parameters.builder().build())
                        .strict(false).build())
                .build())) {
            for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
                if (e.isFunctionCallArgumentsDelta()) {
                    deltas.add(e.asFunctionCallArgumentsDelta().delta());
                } else if (e.isFunctionCallArgumentsDone()) {
                    done = e.asFunctionCallArgumentsDone().arguments();
                }
            }
        }
        assertThat(deltas).containsExactly("{\"city\":", "\"Paris\"}");
        assertThat(done).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void aBuiltInToolOnATranslatedProviderIsABadRequestForTheSdk() {
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder()
                .model("anthropic/claude-sonnet-4-5").input("news")
                .addTool(com.openai.models.responses.WebSearchTool.builder()
                        .type(com.openai.models.responses.WebSearchTool.Type.WEB_SEARCH).build())
                .build())).isInstanceOf(BadRequestException.class).hasMessageContaining("web_search");
        assertThat(stub.requests()).isEmpty();
    }
}
