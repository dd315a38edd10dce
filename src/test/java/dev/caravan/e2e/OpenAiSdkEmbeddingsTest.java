package dev.caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.Test;


/**
 * The official OpenAI Java SDK's {@code client.embeddings().create(...)} against the gateway: it asks for base64 by
 * default and decodes it, so the vectors it returns prove the encoding is OpenAI's (little-endian float32), for an
 * OpenAI-compatible pass-through and for Gemini, whose floats Caravan encodes.
 */
class OpenAiSdkEmbeddingsTest extends OpenAiSdkSupport {

    @Test
    void geminiVectorsReachTheSdkDecoded() {
        stub.always((req, reply) -> reply.json(200,
                "{\"embeddings\":[{\"values\":[0.5,-1.0,0.25,0.0123]},{\"values\":[-0.75,0.125,0.0,1.5]}]}"));
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini/gemini-embedding-001").inputOfArrayOfStrings(List.of("first", "second"))
                .dimensions(4).build());
        r.validate();
        assertThat(stub.lastRequest().path()).endsWith(":batchEmbedContents");
        assertThat(r.data()).hasSize(2);
        assertThat(r.data().get(0).embedding()).containsExactly(0.5f, -1.0f, 0.25f, 0.0123f);
        assertThat(r.data().get(1).index()).isEqualTo(1);
        assertThat(r.data().get(1).embedding()).containsExactly(-0.75f, 0.125f, 0.0f, 1.5f);
        assertThat(r.usage().promptTokens()).isEqualTo(4);
    }

    @Test
    void openAiBase64PassesThroughAndDecodes() {
        // what OpenAI sends for encoding_format=base64: [0.5, -1.0, 0.25, 0.0] as little-endian float32
        stub.always((req, reply) -> reply.json(200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\","
                + "\"index\":0,\"embedding\":\"AAAAPwAAgL8AAIA+AAAAAA==\"}],\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}"));
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("openai/text-embedding-3-small").input("The food was delicious").build());
        r.validate();
        assertThat(stub.lastRequest().body()).contains("\"encoding_format\":\"base64\"")
                .contains("\"model\":\"text-embedding-3-small\"");
        assertThat(r.data().get(0).embedding()).containsExactly(0.5f, -1.0f, 0.25f, 0.0f);
        assertThat(r.usage().totalTokens()).isEqualTo(3);
    }

    @Test
    void aProviderWithoutEmbeddingsIsABadRequestForTheSdk() {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder()
                .model("anthropic/claude-sonnet-4-5").input("hi").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("does not support embeddings");
        assertThat(stub.requests()).isEmpty();
    }
}
