package dev.caravan.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.embeddings.EmbeddingsRequest;
import dev.caravan.embeddings.EmbeddingsResult;
import dev.caravan.provider.UpstreamResponse;

/**
 * An OpenAI-compatible embeddings reply reaches the client with its vectors exactly as the upstream wrote them
 * (number spelling included), only {@code usage} read; replies that need more fall back to the whole-tree read.
 */
class OpenAiEmbeddingsPassThroughTest {

    private static final String DATA = "[{\"object\":\"embedding\",\"index\":0,\"embedding\":[1e-05,-0.250000,"
            + "3.4028235E38,0,-0.0]},{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,\"\\u2028\"]}]";

    @Test
    void vectorsAreTheUpstreamsBytes() throws Exception {
        String reply = "{\"object\":\"list\",\"data\":" + DATA + ",\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}";
        EmbeddingsResult r = OpenAiEmbeddingsResponseTranslator.translate("openai", ok(reply),
                request("float"));
        String sent = Json.MAPPER.writeValueAsString(r.result().body());
        assertThat(sent).contains("\"data\":" + DATA);
        assertThat(r.result().usage().prompt()).isEqualTo(7);
        assertThat(r.estimated()).isFalse();
        assertThat(r.result().body().path("model").asText()).isEqualTo("text-embedding-3-small");
    }

    @Test
    void base64VectorsPassThroughAndFloatArraysAreEncoded() throws Exception {
        String b64 = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"AACAPw==\"}],"
                + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes(b64), true)).isNotNull();
        String floats = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[1.0]}],"
                + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes(floats), true)).isNull();
        EmbeddingsResult r = OpenAiEmbeddingsResponseTranslator.translate("openai", ok(floats), request("base64"));
        assertThat(r.result().body().path("data").get(0).path("embedding").asText()).isEqualTo("AACAPw==");
    }

    @Test
    void repliesThatAreNotAPlainListAreReadWhole() {
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes("[1,2]"), false)).isNull();
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes("{\"object\":\"list\"}"), false)).isNull();
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes("{\"data\":{}}"), false)).isNull();
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes("{\"data\":[{\"embedding\":[1,"), false))
                .isNull();
        assertThat(OpenAiEmbeddingsResponseTranslator.withRawData(bytes("{\"data\":[1 2]}"), false)).isNull();
    }

    @Test
    void withoutUsageTheEstimateIsWrittenBesideTheRawVectors() throws Exception {
        String reply = "{\"object\":\"list\",\"data\":" + DATA + ",\"model\":\"m\"}";
        EmbeddingsResult r = OpenAiEmbeddingsResponseTranslator.translate("vllm", ok(reply), request("float"));
        assertThat(r.estimated()).isTrue();
        String sent = Json.MAPPER.writeValueAsString(r.result().body());
        assertThat(sent).contains("\"data\":" + DATA).contains("\"usage\":{\"prompt_tokens\":");
    }

    private static EmbeddingsRequest request(String format) {
        return EmbeddingsRequest.parse((com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.valueToTree(
                Map.of("model", "openai/text-embedding-3-small", "input", "hello there", "encoding_format", format)));
    }

    private static UpstreamResponse ok(String body) {
        return new UpstreamResponse(200, HttpHeaders.of(Map.of(), (a, b) -> true), bytes(body));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
