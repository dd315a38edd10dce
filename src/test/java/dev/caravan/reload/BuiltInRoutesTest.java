package dev.caravan.reload;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway started where its configuration directory does not exist (a jar run from another folder, an empty
 * mount) still serves every shipped provider and the shipped routing file, from the copies in the jar.
 */
class BuiltInRoutesTest extends GatewayTestSupport {

    static final String COMPLETION = """
            {"id":"chatcmpl-b","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
             "message":{"role":"assistant","content":"hi"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.config.dir", dataDir.resolve("no-such-config").toString());
    }

    @Test
    void theShippedProvidersAndRoutingServeWithoutAConfigDirectory() {
        stub.always((req, reply) -> reply.json(200, COMPLETION));
        HttpResponse<String> direct = chat("{\"model\":\"groq/llama-3.3-70b-versatile\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertThat(direct.statusCode()).as(direct.body()).isEqualTo(200);
        assertThat(direct.headers().firstValue("x-caravan-provider")).hasValue("groq");

        HttpResponse<String> routed = chat("{\"model\":\"caravan/default\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
        assertThat(routed.headers().firstValue("x-caravan-deployment")).isPresent();

        HttpResponse<String> models = send(java.net.http.HttpRequest.newBuilder(uri("/v1/models"))
                .header("authorization", "Bearer " + KEY).GET().build());
        assertThat(json(models.body()).findValuesAsText("id")).contains("openai/gpt-4o-mini", "deepseek/deepseek-chat");
    }
}
