package dev.caravan.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The official OpenAI Java SDK against the gateway, a native provider's recorded fixtures behind it: one client per
 * class, the replay problems the stub noted, and the tool the end-to-end tests offer.
 */
public abstract class SdkTestSupport extends GatewayTestSupport {

    protected OpenAIClient client;
    /** What the stub found wrong in the requests it was sent (empty when they matched the fixtures). */
    protected final List<String> problems = new CopyOnWriteArrayList<>();

    /** The provider's fixture folder. */
    protected abstract Path fixtures();

    /** How the provider's API is replayed. */
    protected abstract FixtureReplay.Upstream upstream();

    @BeforeEach
    void sdkSetUp() {
        stub.reset();
        problems.clear();
        if (client == null) {
            client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(KEY)
                    .maxRetries(0).build();
        }
    }

    @AfterAll
    void closeClient() {
        client.close();
    }

    /** The fixture {@code name} replayed by the stub, one event every {@code paceMs}. */
    protected StubUpstream.Script fixture(String name, long paceMs) {
        return FixtureReplay.script(fixtures().resolve(name), upstream(), paceMs, problems);
    }

    protected static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("Current weather").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city"))).build())
                .build()).build();
    }
}
