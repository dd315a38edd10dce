package dev.caravan.provider.openai;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.testing.StreamFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenAI-compatible translators over recorded fixtures, with each provider's quirks exactly as shipped in
 * config/routes/providers.camel.yaml. A case folder holds case.json (provider, upstream model, stream, expected
 * dropped parameters), request.json, upstream-request.json, upstream-response.json|.sse, expected.json|.sse.
 */
class OpenAiCompatibleTranslatorTest {

    static Stream<Path> cases() {
        return StreamFixtures.cases("openai-compatible").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fixture(Path dir) throws Exception {
        JsonNode c = StreamFixtures.json(dir.resolve("case.json"));
        String provider = c.get("provider").asText();
        OpenAiQuirks q = shippedQuirks(provider);
        ObjectNode request = (ObjectNode) StreamFixtures.json(dir.resolve("request.json"));
        boolean stream = request.path("stream").asBoolean(false);

        OpenAiRequestTranslator.Translated t = OpenAiRequestTranslator.translate(request, c.get("model").asText(),
                stream, q);
        assertThat(t.body()).as("upstream request").isEqualTo(StreamFixtures.json(dir.resolve("upstream-request.json")));
        List<String> dropped = new ArrayList<>();
        c.path("dropped").forEach(n -> dropped.add(n.asText()));
        assertThat(t.dropped()).containsExactlyElementsOf(dropped);
        assertThat(request).as("the client's tree is left intact for failover")
                .isEqualTo(StreamFixtures.json(dir.resolve("request.json")));

        if (stream) {
            byte[] upstream = Files.readAllBytes(dir.resolve("upstream-response.sse"));
            boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
            String out = StreamFixtures.runStream(provider, new OpenAiStreamTranslator(q), includeUsage,
                    UnaryOperator.identity(), upstream);
            StreamFixtures.assertSseEquals(StreamFixtures.read(dir.resolve("expected.sse")), out);
        } else {
            byte[] body = Files.readAllBytes(dir.resolve("upstream-response.json"));
            ChatResult r = OpenAiResponseTranslator.translate(provider, new UpstreamResponse(200, null, body), q);
            assertThat(Json.MAPPER.readTree(r.bytes())).as("what the client is sent")
                    .isEqualTo(StreamFixtures.json(dir.resolve("expected.json")));
            assertThat((JsonNode) r.body()).isEqualTo(StreamFixtures.json(dir.resolve("expected.json")));
        }
    }

    @Test
    void errorRepliesMapByStatus() throws Exception {
        OpenAiQuirks q = shippedQuirks("openai");
        byte[] body = "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"x\",\"code\":\"c\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OpenAiResponseTranslator.translate("openai", new UpstreamResponse(400, null, body), q))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("x");
                });
        assertThatThrownBy(() -> OpenAiResponseTranslator.translate("openai", new UpstreamResponse(529, null, body), q))
                .isInstanceOf(ProviderUnavailable.class);
        byte[] inBand = "{\"error\":{\"code\":502,\"message\":\"provider down\"}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OpenAiResponseTranslator.translate("openrouter",
                new UpstreamResponse(200, null, inBand), q)).isInstanceOf(ProviderUnavailable.class);
        assertThatThrownBy(() -> OpenAiResponseTranslator.translate("openai",
                new UpstreamResponse(200, null, "<html>".getBytes(StandardCharsets.UTF_8)), q))
                .isInstanceOf(ProviderUnavailable.class);
    }

    @Test
    void mistralToolCallIdsAreStableAndValid() {
        assertThat(OpenAiRequestTranslator.alnum9("call_abc123")).matches("[a-zA-Z0-9]{9}")
                .isEqualTo(OpenAiRequestTranslator.alnum9("call_abc123"));
        assertThat(OpenAiRequestTranslator.alnum9("D681PevKs")).isEqualTo("D681PevKs");
        assertThat(OpenAiRequestTranslator.alnum9("call_a")).isNotEqualTo(OpenAiRequestTranslator.alnum9("call_b"));
    }

    /** The quirk parameters of a provider as shipped in config/routes/providers.camel.yaml. */
    @SuppressWarnings("unchecked")
    static OpenAiQuirks shippedQuirks(String provider) throws Exception {
        String yaml = Files.readString(Path.of("config/routes/providers.camel.yaml"));
        Map<String, String> params = new java.util.HashMap<>();
        for (Object entry : (List<Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml)) {
            Map<String, Object> tr = (Map<String, Object>) ((Map<String, Object>) entry).get("templatedRoute");
            List<Map<String, Object>> ps = (List<Map<String, Object>>) tr.get("parameters");
            Map<String, String> p = new java.util.HashMap<>();
            ps.forEach(m -> p.put(String.valueOf(m.get("name")), String.valueOf(m.get("value"))));
            if (provider.equals(p.get("provider"))) {
                params = p;
            }
        }
        assertThat(params).as("provider " + provider + " in providers.camel.yaml").isNotEmpty();
        return new OpenAiQuirks(params.get("dropParams"), params.get("renameParams"), params.get("mapValues"),
                params.get("setParams"), params.get("roleMap"), params.get("finishReasons"), params.get("toolCallIds"),
                Boolean.parseBoolean(params.getOrDefault("assistantPrefix", "false")),
                Boolean.parseBoolean(params.getOrDefault("streamUsage", "true")));
    }

    static JsonNode tree(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }
}
