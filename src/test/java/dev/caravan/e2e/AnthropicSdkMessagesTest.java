package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.FixtureReplay;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;

/**
 * The official Anthropic Java SDK against the gateway (base URL = the gateway, API key = the gateway key):
 * messages.create, createStreaming folded by the SDK's own MessageAccumulator, countTokens, and its typed
 * exceptions for Anthropic's error envelope. The upstreams are the stub replaying recorded traffic: an OpenAI
 * model (translated both ways) and an Anthropic model (native).
 */
class AnthropicSdkMessagesTest extends GatewayTestSupport {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures/messages");

    AnthropicClient client;

    @BeforeEach
    void setUp() {
        stub.reset();
        if (client == null) {
            client = AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl("http://127.0.0.1:" + port)
                    .maxRetries(0).build();
        }
    }

    @AfterAll
    void close() {
        client.close();
    }

    void replay(String fixture) {
        Path dir = FIXTURES.resolve(fixture);
        stub.always((req, reply) -> {
            if (Fixtures.has(dir, "upstream-response.sse")) {
                reply.sse(FixtureReplay.events(Fixtures.text(dir, "upstream-response.sse")), 2);
            } else {
                reply.json(200, Fixtures.text(dir, "upstream-response.json"));
            }
        });
    }

    @Test
    void createAgainstATranslatedOpenAiModel() {
        replay("openai-text");
        Message m = client.messages().create(MessageCreateParams.builder().model("openai/gpt-4o-mini")
                .maxTokens(256).system("Answer in one sentence.").addUserMessage("Name a prime.").build());
        m.validate();
        assertThat(stub.lastRequest().path()).isEqualTo("/openai/chat/completions");
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("3 is prime as well.");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(176);
        assertThat(m.usage().cacheReadInputTokens()).contains(1024L);
        assertThat(m.usage().outputTokens()).isEqualTo(7);
    }

    @Test
    void streamingToolUseIsAccumulatedByTheSdk() {
        replay("openai-tool-use-stream");
        MessageCreateParams params = MessageCreateParams.builder().model("openai/gpt-4o").maxTokens(512)
                .addTool(Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(java.util.Map.of("city",
                                java.util.Map.of("type", "string"))))
                        .build()).build())
                .addUserMessage("Weather in Boston and Paris?").build();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        m.validate();
        List<ContentBlock> blocks = m.content();
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).toolUse().orElseThrow().id()).isEqualTo("call_A");
        assertThat(blocks.get(0).toolUse().orElseThrow()._input().toString()).isEqualTo("{city=Boston}");
        assertThat(blocks.get(1).toolUse().orElseThrow()._input().toString()).isEqualTo("{city=Paris}");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().outputTokens()).isEqualTo(40);
    }

    @Test
    void streamingNativeThinkingKeepsItsSignature() {
        replay("anthropic-native-thinking-stream");
        MessageCreateParams params = MessageCreateParams.builder().model("anthropic/claude-sonnet-4-5")
                .maxTokens(16000).enabledThinking(10000).addUserMessage("What is 27 * 453?").build();
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(params)) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(stub.lastRequest().path()).isEqualTo("/anthropic/v1/messages");
        assertThat(m.content().get(0).thinking().orElseThrow().thinking()).isEqualTo(
                "27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.");
        assertThat(m.content().get(0).thinking().orElseThrow().signature()).startsWith("EqQB");
        assertThat(m.content().get(1).text().orElseThrow().text()).isEqualTo("27 × 453 = **12,231**");
        assertThat(m.usage().outputTokens()).isEqualTo(112);
    }

    @Test
    void countTokensNativeAndEstimated() {
        stub.always((req, reply) -> reply.json(200, "{\"input_tokens\":14}"));
        long nativeCount = client.messages().countTokens(MessageCountTokensParams.builder()
                .model("anthropic/claude-sonnet-4-5").addUserMessage("Hello, world").build()).inputTokens();
        assertThat(nativeCount).isEqualTo(14);
        assertThat(stub.lastRequest().path()).isEqualTo("/anthropic/v1/messages/count_tokens");
        stub.reset();
        long estimate = client.messages().countTokens(MessageCountTokensParams.builder()
                .model("openai/gpt-4o-mini").addUserMessage("Hello, world").build()).inputTokens();
        assertThat(estimate).isPositive();
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        AnthropicClient wrong = AnthropicOkHttpClient.builder().apiKey("sk-cvn-wrong").baseUrl("http://127.0.0.1:"
                + port).maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.messages().create(MessageCreateParams.builder()
                    .model("openai/gpt-4o-mini").maxTokens(5).addUserMessage("hi").build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder()
                .model("openai/gpt-4o-mini").maxTokens(5).addUserMessage("hi")
                .putAdditionalBodyProperty("stop_sequences", com.anthropic.core.JsonValue.from("not a list"))
                .build())).isInstanceOf(BadRequestException.class).hasMessageContaining("stop_sequences");
        stub.always((req, reply) -> reply.json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}"));
        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder()
                .model("anthropic/claude-sonnet-4-5").maxTokens(5).addUserMessage("hi").build()))
                .isInstanceOf(OverloadedException.class);
    }
}
