package dev.caravan.provider.anthropic;

import java.nio.file.Path;
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
 * The official OpenAI Java SDK against the gateway, Claude behind it: plain answers, streams, tool calls, and a
 * two-turn tool loop with thinking on, where the SDK's own message objects (and its stream accumulator) carry the
 * thinking blocks back and the stub refuses the second turn unless they arrive intact.
 */
class AnthropicSdkEndToEndTest extends SdkTestSupport {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures/anthropic");
    static final String SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

    @Override
    protected Path fixtures() {
        return FIXTURES;
    }

    @Override
    protected FixtureReplay.Upstream upstream() {
        return AnthropicRouteTest.MESSAGES_API;
    }

    @Test
    void plainAnswer() {
        stub.always(fixture("system-developer-multi-turn", 0));
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("anthropic/claude-sonnet-4-5").maxCompletionTokens(512).addSystemMessage("You are terse.")
                .addUserMessage("Name a prime.").addAssistantMessage("7")
                .addDeveloperMessage("Answer in French from now on.").addUserMessage("Another one?").build());
        assertThat(c.choices().get(0).message().content()).hasValue("Onze.");
        assertThat(c.usage().get().totalTokens()).isEqualTo(35);
        assertThat(problems).isEmpty();
    }

    @Test
    void streamWithUsage() {
        stub.always(fixture("text-stream", 10));
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("anthropic/claude-haiku-4-5").addSystemMessage("Be brief.")
                        .addUserMessage("Say hello.")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).hasValue("Hello there! 👋");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().get().promptTokens()).isEqualTo(18);
        assertThat(problems).isEmpty();
    }

    @Test
    void streamedParallelToolCalls() {
        stub.always(fixture("tool-call-stream", 5));
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("anthropic/claude-sonnet-4-5").maxCompletionTokens(1024)
                        .addTool(weatherTool()).addTool(ChatCompletionFunctionTool.builder().function(
                                FunctionDefinition.builder().name("get_time").parameters(FunctionParameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("tz",
                                                java.util.Map.of("type", "string")))).build()).build()).build())
                        .addUserMessage("Weather and time in Paris?").build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletionMessage m = acc.chatCompletion().choices().get(0).message();
        assertThat(m.toolCalls().get()).hasSize(2);
        assertThat(m.toolCalls().get().get(0).asFunction().function().arguments()).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(m.toolCalls().get().get(1).asFunction().function().arguments())
                .isEqualTo("{\"tz\": \"Europe/Paris\"}");
    }

    @Test
    void toolLoopWithThinkingReplaysTheThinkingBlock() {
        loop(false);
    }

    @Test
    void streamedToolLoopWithThinkingReplaysTheThinkingBlock() {
        loop(true);
    }

    private void loop(boolean streamFirstTurn) {
        stub.next(fixture(streamFirstTurn ? "thinking-stream" : "thinking-tool-loop-turn1", 5));
        stub.next((req, reply) -> {
            JsonNode body = json(req.body());
            List<String> v = AnthropicRouteTest.MESSAGES_API.violations(req, body);
            JsonNode thinking = body.at("/messages/1/content/0");
            if (!"thinking".equals(thinking.path("type").asText())) {
                v = new java.util.ArrayList<>(v);
                v.add("no thinking block replayed: " + body.at("/messages/1"));
            }
            problems.addAll(v);
            if (!v.isEmpty()) {
                reply.json(400, AnthropicRouteTest.MESSAGES_API.errorBody(String.join("; ", v)));
                return;
            }
            problems.add("signature:" + thinking.path("signature").asText());
            reply.json(200, Fixtures.text(FIXTURES.resolve("thinking-tool-loop-turn2"), "upstream-response.json"));
        });
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("anthropic/claude-sonnet-4-5")
                .reasoningEffort(streamFirstTurn ? ReasoningEffort.LOW : ReasoningEffort.MEDIUM)
                .maxCompletionTokens(streamFirstTurn ? 3000L : null)
                .addTool(weatherTool()).addUserMessage(streamFirstTurn ? "Umbrella in Paris?"
                        : "Should I take an umbrella in Paris today?").build();
        ChatCompletionMessage m;
        if (streamFirstTurn) {
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
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("Light rain, 14C")
                        .build()).build());
        assertThat(answer.choices().get(0).message().content()).hasValue("Yes, take an umbrella: light rain, 14°C.");
        assertThat(problems).containsExactly("signature:" + (streamFirstTurn ? "EqQBCgIYAhIMstream" : SIGNATURE));
    }
}
