package dev.caravan.provider.bedrock;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import dev.caravan.testing.FixtureReplay;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.RouteYaml;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real routes against a stub that speaks Converse: the stub recomputes the SigV4 signature of every request it
 * receives (service bedrock, the configured region and session credentials) and refuses it when the signature,
 * path or accept header is wrong; ConverseStream recordings are replayed as binary event-stream frames cut across
 * network chunks. Also behind a failover chain: a throttled Bedrock stream moves on to the next deployment.
 */
class BedrockRouteTest extends GatewayTestSupport {

    static final String REGION = "us-west-2";
    static final AwsSessionCredentials CREDS = AwsSessionCredentials.create("AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSION-TOKEN-EXAMPLE");
    static final Pattern PATH = Pattern.compile("/bedrock/model/([^/]+)/(converse|converse-stream|invoke)");
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.provider.bedrock.base-url", stub.baseUrl() + "/bedrock",
                "caravan.provider.bedrock.region", REGION,
                "caravan.provider.bedrock.access-key-id", CREDS.accessKeyId(),
                "caravan.provider.bedrock.secret-access-key", CREDS.secretAccessKey(),
                "caravan.provider.bedrock.session-token", CREDS.sessionToken());
    }

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        String routing = RouteYaml.deployment("bedrock-lite", "bedrock", "amazon.nova-lite-v1:0", "")
                + RouteYaml.deployment("oa", "openai", "gpt-4o-mini", "")
                + RouteYaml.chain("bedrock-first", RouteYaml.FAILOVER, "bedrock-lite", "oa")
                + RouteYaml.routeChatWhen("${body.model} startsWith 'chain/'",
                        "toD: \"direct:chain.${body.model.substring(6)}\"");
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), routing);
    }

    /** What the real Converse endpoint checks before anything else: path, accept, and the SigV4 signature. */
    final FixtureReplay.Upstream converse = new FixtureReplay.Upstream() {
        @Override
        public List<String> violations(StubUpstream.Recorded req, JsonNode body) {
            List<String> v = new ArrayList<>();
            Matcher m = PATH.matcher(req.path());
            if (!m.matches()) {
                return List.of("path " + req.path());
            }
            boolean stream = "converse-stream".equals(m.group(2));
            String accept = stream ? "application/vnd.amazon.eventstream" : "application/json";
            if (!accept.equals(req.header("accept"))) {
                v.add("accept " + req.header("accept"));
            }
            v.addAll(signatureProblems(req));
            return v;
        }

        @Override
        public String errorBody(String message) {
            return "{\"message\":" + TextNode.valueOf(message) + "}";
        }
    };

    static List<String> signatureProblems(StubUpstream.Recorded req) {
        String date = req.header("x-amz-date");
        String auth = req.header("authorization");
        if (date == null || auth == null) {
            return List.of("unsigned request (x-amz-date " + date + ", authorization " + (auth != null) + ")");
        }
        if (!CREDS.sessionToken().equals(req.header("x-amz-security-token"))) {
            return List.of("x-amz-security-token missing");
        }
        Clock at = Clock.fixed(Instant.from(AMZ_DATE.parse(date)), ZoneOffset.UTC);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", req.header("content-type"));
        h.put("accept", req.header("accept"));
        URI uri = URI.create("http://" + req.header("host") + req.path());
        String expected = SigV4Test.header(SigV4.sign("POST", uri, h, req.body().getBytes(StandardCharsets.UTF_8), CREDS,
                REGION, "bedrock", at), "authorization");
        return expected.equals(auth) ? List.of() : List.of("signature does not match: " + auth);
    }

    @BeforeEach
    void clear() {
        stub.reset();
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureThroughTheRoutes() {
        return Fixtures.cases("bedrock").stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> replay(dir)));
    }

    private void replay(Path dir) {
        stub.reset();
        List<String> problems = new CopyOnWriteArrayList<>();
        if (!Fixtures.has(dir, "upstream-response.eventstream")) {
            stub.always(FixtureReplay.script(dir, converse, 0, problems));
            FixtureReplay.check(dir, this, stub, problems);
            return;
        }
        stub.always(eventStream(dir, problems));
        StreamResult s = stream(Fixtures.text(dir, "request.json"));
        assertThat(problems).as("what the upstream received").isEmpty();
        List<Fixtures.Ev> expected = new ArrayList<>(Fixtures.events(Fixtures.text(dir, "expected.sse")));
        expected.removeIf(e -> e.data() == null);
        if (expected.size() == 1 && "error".equals(expected.get(0).event())) {
            // an exception before the first chunk: the status it implies, no stream
            assertThat(s.response().statusCode()).isEqualTo(expected.get(0).data().get("status").asInt());
            return;
        }
        boolean midError = "error".equals(expected.get(expected.size() - 1).event());
        if (midError) {
            expected.remove(expected.size() - 1);
        }
        List<JsonNode> got = s.events();
        if (midError) {
            JsonNode last = got.remove(got.size() - 1);
            assertThat(last.at("/error/type").asText()).isEqualTo("server_error");
        }
        assertThat(got).hasSameSizeAs(expected);
        String id = got.get(0).get("id").asText();
        for (int i = 0; i < got.size(); i++) {
            ObjectNode g = (ObjectNode) got.get(i);
            assertThat(g.get("id").asText()).as("one id for the whole stream").isEqualTo(id);
            g.put("id", BedrockTranslatorTest.STREAM_ID);
            g.put("created", Fixtures.CREATED);
            if (g.path("usage").isObject()) {
                ((ObjectNode) g.get("usage")).remove(List.of("cost", "cost_details"));
            }
            assertThat(Fixtures.normal(g)).as("chunk " + i).isEqualTo(expected.get(i).data());
        }
        assertThat(s.endsWithDone()).isTrue();
    }

    /** Replays the binary recording, every frame cut in two network chunks. */
    private StubUpstream.Script eventStream(Path dir, List<String> problems) {
        byte[] frames = BedrockTranslatorTest.bytes(dir.resolve("upstream-response.eventstream"));
        return (req, reply) -> {
            List<String> v = converse.violations(req, json(req.body()));
            if (!v.isEmpty()) {
                problems.addAll(v);
                reply.json(400, converse.errorBody(String.join("; ", v)));
                return;
            }
            reply.startStreamOf(200, "application/vnd.amazon.eventstream");
            int at = 0;
            while (at < frames.length) {
                int len = ByteBuffer.wrap(frames, at, 4).getInt();
                int half = len / 2;
                reply.chunk(java.util.Arrays.copyOfRange(frames, at, at + half));
                Thread.sleep(5);
                reply.chunk(java.util.Arrays.copyOfRange(frames, at + half, at + len));
                at += len;
            }
            reply.endStream();
        };
    }

    @Test
    void aThrottledBedrockStreamFailsOverToTheNextDeployment() {
        Path throttled = Path.of("src/test/resources/fixtures/bedrock/error-throttling-stream");
        List<String> problems = new CopyOnWriteArrayList<>();
        stub.next(eventStream(throttled, problems));
        stub.next((req, reply) -> reply.sse(List.of(
                StubUpstream.data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                        + "\"finish_reason\":null}]}"),
                StubUpstream.data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"),
                "data: [DONE]\n\n"), 0));
        StreamResult s = stream("""
                {"model":"chain/bedrock-first","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(problems).isEmpty();
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(s.events().get(0).at("/choices/0/delta/content").asText()).isEqualTo("hi");
        assertThat(s.response().headers().firstValue("x-caravan-deployment")).hasValue("oa");
        assertThat(stub.requests()).extracting(StubUpstream.Recorded::path).containsExactly(
                "/bedrock/model/amazon.nova-lite-v1%3A0/converse-stream", "/openai/chat/completions");
    }

    @Test
    void signedPricedAndNoSecretReachesTheClientOrTheProvider() {
        Path dir = Path.of("src/test/resources/fixtures/bedrock/text-system-params");
        stub.always(FixtureReplay.script(dir, converse, 0, new CopyOnWriteArrayList<>()));
        var r = chat(Fixtures.text(dir, "request.json"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).at("/usage/cost").isNumber()).as("priced from the catalog's bedrock entries")
                .isTrue();
        StubUpstream.Recorded req = stub.lastRequest();
        assertThat(req.headers().toString()).doesNotContain(KEY).doesNotContain(CREDS.secretAccessKey());
        assertThat(r.headers().map().toString()).doesNotContain(CREDS.secretAccessKey())
                .doesNotContain(CREDS.sessionToken());
        assertThat(r.body()).doesNotContain(CREDS.secretAccessKey());
        assertThat(signatureProblems(req)).isEmpty();
        StubUpstream.Recorded tampered = new StubUpstream.Recorded(req.method(), req.path(), req.headers(),
                req.body().replace("colour", "color"), req.atNanos());
        assertThat(signatureProblems(tampered)).as("the stub notices a body that was not the one signed")
                .isNotEmpty();
    }

    /** POST /v1/embeddings: every bedrock embeddings fixture through the routes, InvokeModel signed like Converse. */
    @TestFactory
    Stream<DynamicTest> everyEmbeddingsFixtureThroughTheRoutes() {
        return Fixtures.cases("bedrock", Fixtures.EMBEDDINGS).stream().map(dir -> DynamicTest.dynamicTest(
                dir.getFileName().toString(), () -> replayEmbeddings(dir)));
    }

    private void replayEmbeddings(Path dir) {
        stub.reset();
        List<String> problems = new CopyOnWriteArrayList<>();
        stub.always(FixtureReplay.script(dir, converse, 0, problems));
        var r = post("/v1/embeddings", Fixtures.text(dir, "request.json"));
        assertThat(problems).as("what the upstream received").isEmpty();
        FixtureReplay.checkEmbeddings(dir, r, stub, model -> "/bedrock" + BedrockEmbeddingsRequestTranslator.path(model));
    }

    @Test
    void embeddingsArePricedFromTheCatalogAndAChatModelIsRefused() {
        Path dir = Path.of("src/test/resources/fixtures/bedrock/embeddings-titan-dimensions");
        stub.always(FixtureReplay.script(dir, converse, 0, new CopyOnWriteArrayList<>()));
        var r = post("/v1/embeddings", Fixtures.text(dir, "request.json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // 8 tokens at the catalog's rate for amazon.titan-embed-text* (0.10 USD per million)
        assertThat(json(r.body()).at("/usage/cost").decimalValue()).isEqualByComparingTo("0.0000008");
        assertThat(signatureProblems(stub.lastRequest())).isEmpty();
        assertThat(r.body()).doesNotContain(CREDS.secretAccessKey()).doesNotContain(CREDS.sessionToken());
        stub.reset();
        var chat = post("/v1/embeddings", """
                {"model":"bedrock/amazon.nova-lite-v1:0","input":"hello"}""");
        assertThat(chat.statusCode()).isEqualTo(400);
        assertThat(json(chat.body()).at("/error/param").asText()).isEqualTo("model");
        assertThat(json(chat.body()).at("/error/message").asText()).contains("bedrock/amazon.nova-lite-v1:0");
        assertThat(stub.requests()).isEmpty();
    }

    /** The Anthropic-compatible and Responses endpoints reach Bedrock through the chat translation, signed. */
    @Test
    void messagesAndResponsesAreTranslatedThroughConverse() {
        Path dir = Path.of("src/test/resources/fixtures/bedrock/text-system-params");
        String reply = Fixtures.text(dir, "upstream-response.json");
        stub.always((req, r) -> r.json(200, reply));
        var m = post("/v1/messages", """
                {"model":"bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0","max_tokens":64,
                 "messages":[{"role":"user","content":"Name a colour."}]}""");
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(json(m.body()).at("/type").asText()).isEqualTo("message");
        assertThat(json(m.body()).at("/content/0/text").asText()).isEqualTo("Blue.");
        assertThat(json(m.body()).at("/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(signatureProblems(stub.lastRequest())).isEmpty();
        assertThat(stub.lastRequest().path()).endsWith("/converse");

        var r = post("/v1/responses", """
                {"model":"bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0","input":"Name a colour.",
                 "max_output_tokens":64,"store":false}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).at("/object").asText()).isEqualTo("response");
        assertThat(json(r.body()).at("/output/0/content/0/text").asText()).isEqualTo("Blue.");
        assertThat(json(r.body()).at("/usage/input_tokens").asLong()).isEqualTo(21);
        assertThat(signatureProblems(stub.lastRequest())).isEmpty();
    }

    /** Structured output through the Responses API: text.format json_schema rides the same forced tool. */
    @Test
    void aResponsesJsonSchemaIsAnsweredThroughTheForcedTool() {
        Path dir = Path.of("src/test/resources/fixtures/bedrock/json-schema");
        String reply = Fixtures.text(dir, "upstream-response.json");
        stub.always((req, r) -> r.json(200, reply));
        var r = post("/v1/responses", """
                {"model":"bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0","store":false,
                 "input":"Extract the event: Alice and Bob meet for lunch on Friday.","max_output_tokens":200,
                 "text":{"format":{"type":"json_schema","name":"calendar_event","schema":{"type":"object",
                   "properties":{"name":{"type":"string"},"date":{"type":"string"},
                   "participants":{"type":"array","items":{"type":"string"}}}}}}}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(signatureProblems(stub.lastRequest())).isEmpty();
        JsonNode sent = json(stub.lastRequest().body());
        assertThat(sent.at("/toolConfig/toolChoice/tool/name").asText()).isEqualTo("calendar_event");
        assertThat(sent.at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/participants/type").asText())
                .isEqualTo("array");
        String text = json(r.body()).at("/output/0/content/0/text").asText();
        assertThat(json(text)).isEqualTo(json("{\"name\":\"Lunch\",\"date\":\"Friday\","
                + "\"participants\":[\"Alice\",\"Bob\"]}"));
    }

    /** A Responses field the chat translation cannot honour is refused on Bedrock, never dropped. */
    @Test
    void aBuiltInToolIsRefusedOnBedrock() {
        var r = post("/v1/responses", """
                {"model":"bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0","input":"news?",
                 "tools":[{"type":"web_search"}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/message").asText()).contains("bedrock");
        assertThat(stub.requests()).isEmpty();
    }
}
