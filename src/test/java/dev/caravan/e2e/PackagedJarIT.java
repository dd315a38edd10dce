package dev.caravan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.JarLaunch;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built {@code target/caravan.jar}, started the way the README says, on its embedded defaults (no provider
 * keys), then used over HTTP. Runs in the integration-test phase, after packaging.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackagedJarIT {

    static final String KEY = "sk-cvn-jar-test-key-00112233445566";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    StubUpstream stub;
    Process process;
    Path log;
    int port;

    @BeforeAll
    void start() throws Exception {
        stub = new StubUpstream();
        stub.always((req, reply) -> reply.json(200, req.path().endsWith("/embeddings") ? EMBEDDINGS
                : req.path().endsWith("/responses") ? RESPONSE : """
                {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
                 "message":{"role":"assistant","content":"from the jar"},"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1,"completion_tokens":3,"total_tokens":4}}"""));
        port = GatewayTestSupport.freePort();
        Path work = Files.createTempDirectory("caravan-jar");
        GatewayTestSupport.copyTree(Path.of("config"), work.resolve("config"));
        log = work.resolve("caravan.log");
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "-Dcaravan.api.port=" + port, "-Dcaravan.admin.port=" + GatewayTestSupport.freePort(),
                "-Dcaravan.provider.openai.base-url=" + stub.baseUrl() + "/v1",
                "-Dcaravan.provider.openai.api-key=sk-upstream-jar-test-abcdefgh"));
        // the jar (its manifest's Main-Class), with the test-only reply recorder beside it for the secrets scan
        cmd.addAll(JarLaunch.jarWithReplyRecorder());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.endsWith("_API_KEY"));
        pb.environment().put("CARAVAN_API_KEY", KEY);
        process = pb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the jar did not start:\n" + Files.readString(log));
    }

    @AfterAll
    void stop() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
        stub.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> chat(String model) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHealthModelsAndChatFromTheJar() throws Exception {
        assertThat(get("/health").body()).contains("ok");
        assertThat(get("/v1/models").body()).contains("openai/gpt-4o-mini").doesNotContain("groq/");
        HttpResponse<String> r = chat("openai/gpt-4o-mini");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("from the jar");
    }

    /** OpenAI's base64 embeddings reply: [0.5, -1.0, 0.25, 0.0] as little-endian float32. */
    static final String EMBEDDINGS = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":\"AAAAPwAAgL8AAIA+AAAAAA==\"}],\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

    @Test
    void embeddingsThroughTheOpenAiSdk() {
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder().apiKey(KEY)
                .baseUrl("http://127.0.0.1:" + port + "/v1").maxRetries(0).build();
        try {
            com.openai.models.embeddings.CreateEmbeddingResponse r = client.embeddings().create(
                    com.openai.models.embeddings.EmbeddingCreateParams.builder()
                            .model("openai/text-embedding-3-small").input("from the jar").build());
            assertThat(r.data().get(0).embedding()).containsExactly(0.5f, -1.0f, 0.25f, 0.0f);
            assertThat(r.usage().promptTokens()).isEqualTo(2);
        } finally {
            client.close();
        }
    }

    /** An OpenAI Response object, as the Responses API sends it. */
    static final String RESPONSE = """
            {"id":"resp_jar1","object":"response","created_at":1741476542,"status":"completed","error":null,
             "incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4o-mini",
             "output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant",
               "content":[{"type":"output_text","annotations":[],"text":"from the jar"}]}],
             "parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},
             "store":false,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],
             "top_p":1.0,"truncation":"disabled","usage":{"input_tokens":2,"input_tokens_details":{"cached_tokens":0,
             "cache_write_tokens":0},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":0},
             "total_tokens":5},"user":null,"metadata":{}}""";

    @Test
    void responsesThroughTheOpenAiSdkAreStoredInTheJarsDatabase() {
        com.openai.client.OpenAIClient client = com.openai.client.okhttp.OpenAIOkHttpClient.builder().apiKey(KEY)
                .baseUrl("http://127.0.0.1:" + port + "/v1").maxRetries(0).build();
        try {
            com.openai.models.responses.Response r = client.responses().create(
                    com.openai.models.responses.ResponseCreateParams.builder().model("openai/gpt-4o-mini")
                            .input("hi").build());
            assertThat(r.output().get(0).asMessage().content().get(0).asOutputText().text())
                    .isEqualTo("from the jar");
            assertThat(client.responses().retrieve(r.id()).id()).isEqualTo("resp_jar1");
        } finally {
            client.close();
        }
    }

    @Test
    void messagesThroughTheAnthropicSdk() {
        com.anthropic.client.AnthropicClient client = com.anthropic.client.okhttp.AnthropicOkHttpClient.builder()
                .apiKey(KEY).baseUrl("http://127.0.0.1:" + port).maxRetries(0).build();
        try {
            com.anthropic.models.messages.Message m = client.messages().create(
                    com.anthropic.models.messages.MessageCreateParams.builder().model("openai/gpt-4o-mini")
                            .maxTokens(16).addUserMessage("hi").build());
            assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("from the jar");
            assertThat(m.usage().outputTokens()).isEqualTo(3);
        } finally {
            client.close();
        }
    }

    @Test
    void aProviderWithoutKeyNamesTheVariableToSet() throws Exception {
        HttpResponse<String> r = chat("groq/llama-3.3-70b-versatile");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("GROQ_API_KEY");
    }

    @Test
    void keysNeverReachTheLog() throws Exception {
        chat("openai/gpt-4o-mini");
        Thread.sleep(300);
        assertThat(Files.readString(log)).doesNotContain(KEY).doesNotContain("sk-upstream-jar-test-abcdefgh");
    }
}
