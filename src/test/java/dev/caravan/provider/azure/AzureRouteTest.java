package dev.caravan.provider.azure;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Azure OpenAI through the shipped config (config/routes/providers.camel.yaml) without an api-key: the gateway
 * gets an Entra ID token by client credentials from a stand-in token endpoint, caches it, and sends it as a bearer
 * token to the deployment path; Azure's content_filter refusal reaches the client as OpenAI's 400
 * content_policy_violation; content-filter results in a reply pass through.
 */
class AzureRouteTest extends GatewayTestSupport {

    static final String TOKEN = "entra-access-token-0123456789";
    final List<String> tokenForms = new CopyOnWriteArrayList<>();

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.provider.azure.api-key", " ",
                "caravan.provider.azure.token-url", stub.baseUrl() + "/login/{tenant}/oauth2/v2.0/token",
                "caravan.provider.azure.tenant-id", "tenant-1",
                "caravan.provider.azure.client-id", "client-1",
                "caravan.provider.azure.client-secret", "client-secret-abcdef",
                "caravan.provider.azure.api-version", "2024-10-21");
    }

    @BeforeEach
    void script() {
        stub.reset();
        stub.always(this::azure);
    }

    private void azure(StubUpstream.Recorded req, StubUpstream.Reply reply) throws Exception {
        if (req.path().equals("/login/tenant-1/oauth2/v2.0/token")) {
            tokenForms.add(req.body());
            reply.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + TOKEN + "\"}");
            return;
        }
        if (!("Bearer " + TOKEN).equals(req.header("authorization")) || req.header("api-key") != null) {
            reply.json(401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key "
                    + "or wrong API endpoint.\"}}");
            return;
        }
        if (req.path().startsWith("/azure/filtered/")) {
            reply.json(400, """
                    {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,
                     "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}""");
            return;
        }
        reply.json(200, """
                {"id":"chatcmpl-az1","object":"chat.completion","created":1760000000,"model":"gpt-4o-mini",
                 "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello."},
                   "content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],
                 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""");
    }

    @Test
    void anEntraTokenIsFetchedOnceAndSentToTheDeployment() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = chat("""
                    {"model":"azure/prod-4o-mini","messages":[{"role":"user","content":"hi"}]}""");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = json(r.body());
            assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello.");
            assertThat(body.at("/prompt_filter_results/0/content_filter_results/hate/filtered").isBoolean()).isTrue();
            assertThat(body.at("/choices/0/content_filter_results/hate/severity").asText()).isEqualTo("safe");
            assertThat(r.body()).doesNotContain(TOKEN).doesNotContain("client-secret-abcdef");
        }
        assertThat(tokenForms).as("one token for both calls").hasSize(1);
        assertThat(tokenForms.get(0)).contains("grant_type=client_credentials").contains("client_id=client-1")
                .contains("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default");
        assertThat(stub.lastRequest().path()).isEqualTo("/azure/prod-4o-mini/chat/completions?api-version=2024-10-21");
    }

    @Test
    void aContentFilterRefusalIsOpenAisContentPolicyViolation() {
        HttpResponse<String> r = chat("""
                {"model":"azure/filtered","messages":[{"role":"user","content":"something hateful"}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = json(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_policy_violation");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("message").asText()).contains("content management policy");
    }
}
