package dev.caravan.e2e;

import java.util.ArrayList;
import java.util.List;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK, pointed at the running gateway, for non-stream, stream and tool calls. */
class OpenAiSdkTest extends OpenAiSdkSupport {

    static final String TOOL_REPLY = """
            {"id":"chatcmpl-t","object":"chat.completion","created":1735689600,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
             "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather",
             "arguments":"{\\"city\\":\\"Boston\\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":50,"completion_tokens":10,"total_tokens":60}}""";

    ChatCompletionCreateParams.Builder weather(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Weather in Boston?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather")
                        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("city",
                                        java.util.Map.of("type", "string")))).build()).build());
    }

    @Test
    void nonStreamedToolCall() {
        stub.always((req, reply) -> reply.json(200, TOOL_REPLY));
        ChatCompletion c = client.chat().completions().create(weather("openai/gpt-4o-mini").build());
        c.validate();
        var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("call_1");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Boston\"}");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(60);
    }

    @Test
    void streamedTextWithUsage() {
        stub.always((req, reply) -> reply.sse(OpenAiStreams.text("chatcmpl-x", List.of("Hel", "lo", "!")), 20));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("groq/llama-3.3-70b-versatile").addUserMessage("hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(ch -> {
                ch.validate();
                chunks.add(ch);
                ch.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text).hasToString("Hello!");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(stub.lastRequest().path()).isEqualTo("/groq/chat/completions");
    }

    @Test
    void streamedToolCallFragmentsReassemble() {
        stub.always((req, reply) -> reply.sse(StubUpstream.lines(
                OpenAiStreams.chunk("c", "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_9\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
                OpenAiStreams.chunk("c", "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}", null),
                OpenAiStreams.chunk("c", "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":\\\"Boston\\\"}\"}}]}", null),
                OpenAiStreams.chunk("c", "{}", "tool_calls"), "data: [DONE]\n\n"), 10));
        StringBuilder args = new StringBuilder();
        List<String> ids = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                .createStreaming(weather("deepseek/deepseek-chat").build())) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> {
                c.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    tc.id().ifPresent(ids::add);
                    tc.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                            .ifPresent(args::append);
                }));
                c.finishReason().ifPresent(finish::add);
            }));
        }
        assertThat(ids).containsExactly("call_9");
        assertThat(args).hasToString("{\"city\":\"Boston\"}");
        assertThat(finish).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void errorsArriveAsTypedSdkExceptions() {
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("nope/x").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("does not exist");
        stub.always((req, reply) -> reply.json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\"}}",
                "retry-after", "1"));
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("openai/gpt-4o").addUserMessage("hi").build()))
                .isInstanceOf(RateLimitException.class);
    }

    @Test
    void listsModels() {
        List<String> ids = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).contains("openai/gpt-4o-mini", "groq/llama-3.3-70b-versatile", "deepseek/deepseek-chat");
        Model one = client.models().retrieve("openai/gpt-4o-mini");
        assertThat(one.ownedBy()).isEqualTo("openai");
    }
}
