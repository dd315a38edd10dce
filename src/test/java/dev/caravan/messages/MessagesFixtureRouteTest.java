package dev.caravan.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.caravan.testing.FixtureReplay;
import dev.caravan.testing.Fixtures;
import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

/**
 * Every recorded case under {@code fixtures/messages/<case>/} through the real routes: the Anthropic client's
 * {@code request.json} goes to {@code POST /v1/messages} with the gateway key as {@code x-api-key}; the stub checks
 * the path ({@code case.json}) and that the provider received exactly {@code upstream-request.json}, then replays
 * {@code upstream-response.*}; the client must get {@code expected.*}. anthropic/* cases are native: the body goes
 * up as sent (model replaced) and the reply, or every stream event byte for byte, comes back as Anthropic sent it.
 * Other providers are translated both ways. An upstream error ({@code case.json} status) must reach the client in
 * Anthropic's envelope with that status. {@code -Dfixtures.record=true} writes missing upstream-request and
 * expected files (review them before committing).
 */
class MessagesFixtureRouteTest extends GatewayTestSupport {

    @TestFactory
    Stream<DynamicTest> everyMessagesFixtureThroughTheRoutes() {
        return Fixtures.cases("messages").stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> replay(dir)));
    }

    private void replay(Path dir) throws Exception {
        stub.reset();
        JsonNode meta = Fixtures.meta(dir);
        stub.always((req, reply) -> {
            if (Fixtures.has(dir, "upstream-response.sse")) {
                reply.sse(FixtureReplay.events(Fixtures.text(dir, "upstream-response.sse")), 5);
            } else {
                reply.json(meta.path("status").asInt(200), Fixtures.text(dir, "upstream-response.json"));
            }
        });
        String request = Fixtures.text(dir, "request.json");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/messages")).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(request));
        meta.path("clientHeaders").fields().forEachRemaining(h -> b.header(h.getKey(), h.getValue().asText()));
        HttpResponse<String> r = send(b.build());
        int status = meta.path("status").asInt(200);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);

        StubUpstream.Recorded up = stub.lastRequest();
        assertThat(stub.requests()).hasSize(1);
        assertThat(up.path()).isEqualTo(meta.path("path").asText());
        assertThat(up.body()).doesNotContain(KEY);
        assertThat(String.valueOf(up.headers())).doesNotContain(KEY);
        boolean nativeCase = dir.getFileName().toString().startsWith("anthropic-");
        if (nativeCase) {
            assertThat(up.header("x-api-key")).isEqualTo(PROVIDER_KEY);
            assertThat(up.header("anthropic-beta")).isEqualTo(meta.path("clientHeaders").path("anthropic-beta")
                    .asText(null));
        }
        java.util.Set<String> dropped = new java.util.TreeSet<>();
        meta.path("dropped").forEach(n -> dropped.add(n.asText()));
        assertThat(new java.util.TreeSet<>(List.of(r.headers().firstValue("x-caravan-dropped-params").orElse("")
                .split(",")))).as("x-caravan-dropped-params").isEqualTo(dropped.isEmpty()
                        ? new java.util.TreeSet<>(List.of("")) : dropped);
        Fixtures.record(dir, "upstream-request.json", Fixtures.pretty(json(up.body())));
        assertThat(json(up.body())).as("what the provider received").isEqualTo(Fixtures.json(dir,
                "upstream-request.json"));

        if (status != 200) {
            // an upstream error: Anthropic's envelope with the provider's status and message
            Fixtures.record(dir, "expected.json", Fixtures.pretty(json(r.body())));
            assertThat(json(r.body())).isEqualTo(Fixtures.json(dir, "expected.json"));
            return;
        }
        if (json(request).path("stream").asBoolean()) {
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            Fixtures.record(dir, "expected.sse", r.body());
            if (nativeCase) {
                assertThat(r.body()).as("native events, verbatim").isEqualTo(Fixtures.text(dir, "expected.sse"));
            } else {
                List<Fixtures.Ev> got = Fixtures.events(r.body());
                JsonNode delta = got.get(got.size() - 2).data();
                assertThat(delta.get("type").asText()).isEqualTo("message_delta");
                assertThat(delta.path("usage").has("cost")).as("the gateway's price in the final usage").isTrue();
                ((ObjectNode) delta.get("usage")).remove(List.of("cost", "cost_details"));
                List<Fixtures.Ev> expected = Fixtures.events(Fixtures.text(dir, "expected.sse"));
                assertThat(got).isEqualTo(expected);
            }
            return;
        }
        JsonNode got = json(r.body());
        ObjectNode usage = (ObjectNode) got.get("usage");
        assertThat(usage.has("cost")).as("the gateway's price in usage").isTrue();
        usage.remove(List.of("cost", "cost_details"));
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).isPresent();
        Fixtures.record(dir, "expected.json", Fixtures.pretty(got));
        assertThat(Fixtures.normal(got)).isEqualTo(Fixtures.json(dir, "expected.json"));
    }
}
