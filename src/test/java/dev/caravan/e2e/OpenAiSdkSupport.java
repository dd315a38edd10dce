package dev.caravan.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import dev.caravan.testing.GatewayTestSupport;

/**
 * The real gateway with the official OpenAI Java SDK pointed at it (base URL and gateway key changed, nothing
 * else; no SDK retries, so every status reaches the test). The stub upstream is reset before each test.
 */
abstract class OpenAiSdkSupport extends GatewayTestSupport {

    OpenAIClient client;

    @BeforeEach
    void setUpClient() {
        stub.reset();
        if (client == null) {
            client = OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl("http://127.0.0.1:" + port + "/v1")
                    .maxRetries(0).build();
        }
    }

    @AfterAll
    void closeClient() {
        client.close();
    }
}
