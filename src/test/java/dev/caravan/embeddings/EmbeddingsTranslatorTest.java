package dev.caravan.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.api.Json;
import dev.caravan.provider.gemini.GeminiEmbeddingsTranslator;
import dev.caravan.provider.openai.OpenAiEmbeddingsRequestTranslator;
import dev.caravan.provider.openai.OpenAiEmbeddingsResponseTranslator;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.provider.bedrock.BedrockEmbeddings;
import dev.caravan.provider.vertex.VertexEmbeddings;
import dev.caravan.testing.Fixtures;

/**
 * Every {@code embeddings-*} folder under fixtures/openai-compatible, fixtures/gemini, fixtures/bedrock and
 * fixtures/vertex: client request → upstream
 * request (or the client's error when it cannot be sent), upstream reply → client answer (or error), with the usage
 * and whether it was estimated ({@code case.json}).
 */
class EmbeddingsTranslatorTest {

    @TestFactory
    Stream<DynamicTest> openAiCompatible() {
        List<Path> cases = Fixtures.cases("openai-compatible", Fixtures.EMBEDDINGS);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(7);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir,
                Wire.OPENAI)));
    }

    @TestFactory
    Stream<DynamicTest> gemini() {
        List<Path> cases = Fixtures.cases("gemini", Fixtures.EMBEDDINGS);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(6);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir,
                Wire.GEMINI)));
    }

    @TestFactory
    Stream<DynamicTest> bedrock() {
        List<Path> cases = Fixtures.cases("bedrock", Fixtures.EMBEDDINGS);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(6);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir,
                Wire.BEDROCK)));
    }

    @TestFactory
    Stream<DynamicTest> vertex() {
        List<Path> cases = Fixtures.cases("vertex", Fixtures.EMBEDDINGS);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(5);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> run(dir,
                Wire.VERTEX)));
    }

    /** The upstream wire a case is translated to. */
    enum Wire { OPENAI, GEMINI, BEDROCK, VERTEX }

    static JsonNode upstream(Wire wire, EmbeddingsRequest req, ObjectNode raw, String model) {
        return switch (wire) {
            case OPENAI -> OpenAiEmbeddingsRequestTranslator.translate(raw, model);
            case GEMINI -> Json.MAPPER.valueToTree(GeminiEmbeddingsTranslator.toUpstream(req, model));
            case BEDROCK -> BedrockEmbeddings.toUpstream(req, model,
                    raw.path("input_type").isTextual() ? raw.get("input_type").asText() : null);
            case VERTEX -> VertexEmbeddings.toUpstream(req, model,
                    raw.path("task_type").isTextual() ? raw.get("task_type").asText() : null);
        };
    }

    static EmbeddingsResult answer(Wire wire, String provider, UpstreamResponse reply, EmbeddingsRequest req,
            String model) {
        return switch (wire) {
            case OPENAI -> OpenAiEmbeddingsResponseTranslator.translate(provider, reply, req);
            case GEMINI -> GeminiEmbeddingsTranslator.fromUpstream(provider, reply, req, model);
            case BEDROCK -> BedrockEmbeddings.fromUpstream(provider, reply, req, model);
            case VERTEX -> VertexEmbeddings.fromUpstream(provider, reply, req, model);
        };
    }

    static void run(Path dir, Wire wire) {
        ObjectNode raw = (ObjectNode) Fixtures.json(dir, "request.json");
        JsonNode meta = Fixtures.meta(dir);
        String model = raw.get("model").asText().substring(raw.get("model").asText().indexOf('/') + 1);
        String provider = raw.get("model").asText().substring(0, raw.get("model").asText().indexOf('/'));
        EmbeddingsRequest req;
        JsonNode upstream;
        try {
            req = EmbeddingsRequest.parse(raw);
            if ("none".equals(meta.path("embeddingsPath").asText())) {
                throw EmbeddingsRefusal.refusal(provider, model);
            }
            upstream = Fixtures.normal(upstream(wire, req, raw, model));
        } catch (RuntimeException e) {
            JsonNode actual = Fixtures.clientError(e);
            Fixtures.record(dir, "expected.json", Fixtures.pretty(actual));
            assertThat(Fixtures.has(dir, "upstream-request.json")).as("translation failed: " + e).isFalse();
            assertThat(actual).isEqualTo(Fixtures.json(dir, "expected.json"));
            assertThat(actual.path("status").asInt()).isEqualTo(400);
            return;
        }
        Fixtures.record(dir, "upstream-request.json", Fixtures.pretty(upstream));
        assertThat(upstream).as("upstream request").isEqualTo(Fixtures.json(dir, "upstream-request.json"));
        assertThat(raw).as("the client's tree is left intact").isEqualTo(Fixtures.json(dir, "request.json"));

        UpstreamResponse reply = Fixtures.upstreamReply(dir, meta);
        JsonNode actual;
        try {
            EmbeddingsResult r = answer(wire, provider, reply, req, model);
            actual = Fixtures.normal(r.result().body());
            assertThat(r.estimated()).as("estimated").isEqualTo(meta.path("estimated").asBoolean());
            assertThat(r.result().usage().prompt()).as("prompt tokens")
                    .isEqualTo(meta.path("usage").path("prompt_tokens").asLong());
            assertThat(r.result().usage().totalTokens()).as("total tokens")
                    .isEqualTo(meta.path("usage").path("total_tokens").asLong());
        } catch (RuntimeException e) {
            actual = Fixtures.clientError(e);
        }
        Fixtures.record(dir, "expected.json", Fixtures.pretty(actual));
        assertThat(actual).as("client answer").isEqualTo(Fixtures.json(dir, "expected.json"));
    }
}
