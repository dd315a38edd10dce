package dev.caravan.provider.gemini;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.FixtureReplay;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.SdkTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK against the gateway, Gemini behind it: plain answers, streams, tool calls, and a
 * two-turn Gemini 3 tool loop with thinking on, where the stub (like Gemini 3) refuses the second turn unless the
 * function call comes back with its thought signature.
 */
class GeminiSdkEndToEndTest extends SdkTestSupport {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures/gemini");
    static final String SIGNATURE = "CiQBcsjafD1wkZ3z4hgYq2Zt+Q7/signature==";

    @Override
    protected Path fixtures() {
        return FIXTURES;
    }

    @Override
    protected FixtureReplay.Upstream upstream() {
        return GeminiRouteTest.GENERATE_CONTENT;
    }

    @Test
    void plainAnswerWithTwoCandidates() {
        stub.always(fixture("n-candidates", 0));
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gemini/gemini-2.5-flash").n(2).addUserMessage("A color?").build());
        assertThat(c.choices()).extracting(ch -> ch.message().content().orElse("")).containsExactly("Blue.", "Green.");
        assertThat(problems).isEmpty();
    }

    @Test
    void streamWithUsage() {
        stub.always(fixture("text-stream", 10));
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gemini/gemini-2.5-flash").addSystemMessage("Be brief.")
                        .addUserMessage("Say hello.")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).hasValue("Hello there! 👋");
        assertThat(c.usage().get().completionTokens()).isEqualTo(16);
        assertThat(c.usage().get().completionTokensDetails().get().reasoningTokens()).hasValue(12L);
        assertThat(problems).isEmpty();
    }

    @Test
    void toolCallsFinishAsToolCalls() {
        stub.always(fixture("tool-choice-required-no-parallel", 0));
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gemini/gemini-2.5-flash").addTool(weatherTool()).addTool(ChatCompletionFunctionTool.builder()
                        .function(FunctionDefinition.builder().name("get_time").parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("tz",
                                        java.util.Map.of("type", "string")))).build()).build()).build())
                .toolChoice(com.openai.models.chat.completions.ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .parallelToolCalls(false).addUserMessage("Paris weather.").build());
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(c.choices().get(0).message().toolCalls().get().get(0).asFunction().function().name())
                .isEqualTo("get_weather");
        assertThat(problems).isEmpty();
    }

    @Test
    void toolLoopWithThinkingReplaysTheThoughtSignature() {
        loop(false);
    }

    @Test
    void streamedToolLoopWithThinkingReplaysTheThoughtSignature() {
        loop(true);
    }

    private void loop(boolean stream) {
        if (stream) {
            stub.next((req, reply) -> reply.sse(FixtureReplay.events(
                    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"**Checking the forecast**\",\"thought\""
                            + ":true}],\"role\":\"model\"},\"index\":0}],\"responseId\":\"resp-think1\","
                            + "\"modelVersion\":\"gemini-3-pro-preview\"}\n\n"
                            + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\","
                            + "\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"" + SIGNATURE + "\"}],\"role\":"
                            + "\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\""
                            + ":40,\"candidatesTokenCount\":12,\"thoughtsTokenCount\":30,\"totalTokenCount\":82},"
                            + "\"responseId\":\"resp-think1\",\"modelVersion\":\"gemini-3-pro-preview\"}\n\n"), 5));
        } else {
            stub.next(fixture("thinking-tool-loop-turn1", 0));
        }
        stub.next((req, reply) -> {
            JsonNode body = json(req.body());
            List<String> v = new ArrayList<>(GeminiRouteTest.GENERATE_CONTENT.violations(req, body));
            problems.addAll(v);
            if (!v.isEmpty()) {
                reply.json(400, GeminiRouteTest.GENERATE_CONTENT.errorBody(String.join("; ", v)));
                return;
            }
            problems.add("signature:" + body.at("/contents/1/parts/0/thoughtSignature").asText());
            problems.add("response:" + body.at("/contents/2/parts/0/functionResponse/name").asText());
            reply.json(200, Fixtures.text(FIXTURES.resolve("thinking-tool-loop-turn2"), "upstream-response.json"));
        });
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("gemini/gemini-3-pro-preview")
                .reasoningEffort(ReasoningEffort.HIGH).addTool(weatherTool())
                .addUserMessage("Should I take an umbrella in Paris today?").build();
        ChatCompletionMessage m;
        if (stream) {
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(first)) {
                s.stream().forEach(acc::accumulate);
            }
            m = acc.chatCompletion().choices().get(0).message();
        } else {
            m = client.chat().completions().create(first).choices().get(0).message();
        }
        String callId = m.toolCalls().get().get(0).asFunction().id();
        ChatCompletion answer = client.chat().completions().create(first.toBuilder().addMessage(m)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId)
                        .content("{\"forecast\":\"light rain\",\"temp_c\":14}").build()).build());
        assertThat(answer.choices().get(0).message().content()).hasValue("Yes: light rain and 14°C.");
        assertThat(problems).containsExactly("signature:" + SIGNATURE, "response:get_weather");
    }
}
