package dev.caravan.testing;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a translator fixture through the real gateway: the stub upstream checks what it receives (the provider's
 * own rules, then equality with {@code upstream-request.json}), answers 400 in the provider's error format when a
 * rule is broken, and otherwise replays {@code upstream-response.*} with real pacing; the client's view is compared
 * with {@code expected.*} ({@code created} comes from the real clock, usage chunks only with include_usage).
 */
public final class FixtureReplay {

    /** The provider-specific half: how to judge a received request and how to refuse it. */
    public interface Upstream {
        /** Problems with the received request (path, headers, body), empty when the real API would accept it. */
        List<String> violations(StubUpstream.Recorded request, JsonNode body);

        /** The provider's 400 error body for a rule violation. */
        String errorBody(String message);
    }

    private FixtureReplay() {
    }

    public static StubUpstream.Script script(Path dir, Upstream upstream, long paceMs, List<String> problems) {
        return (req, reply) -> {
            JsonNode body = GatewayTestSupport.json(req.body());
            List<String> v = new ArrayList<>(upstream.violations(req, body));
            if (Fixtures.has(dir, "upstream-request.json") && !body.equals(Fixtures.json(dir, "upstream-request.json"))) {
                v.add("body differs from upstream-request.json: " + body);
            }
            if (!v.isEmpty()) {
                problems.addAll(v);
                reply.json(400, upstream.errorBody(String.join("; ", v)));
                return;
            }
            JsonNode meta = Fixtures.meta(dir);
            if (Fixtures.has(dir, "upstream-response.sse")) {
                reply.sse(events(Fixtures.text(dir, "upstream-response.sse")), paceMs);
                return;
            }
            List<String> headers = new ArrayList<>();
            meta.path("headers").fields().forEachRemaining(e -> {
                headers.add(e.getKey());
                headers.add(e.getValue().asText());
            });
            reply.json(meta.path("status").asInt(200), Fixtures.text(dir, "upstream-response.json"),
                    headers.toArray(String[]::new));
        };
    }

    /** The SSE events of a recorded body, each with its framing. */
    public static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            if (!e.isBlank()) {
                out.add(e + "\n\n");
            }
        }
        return out;
    }

    /** Sends the fixture's request through the gateway and compares what the client gets. */
    public static void check(Path dir, GatewayTestSupport gw, StubUpstream stub, List<String> problems) {
        String request = Fixtures.text(dir, "request.json");
        JsonNode req = GatewayTestSupport.json(request);
        if (req.path("stream").asBoolean()) {
            checkStream(dir, gw.stream(request), req.path("stream_options").path("include_usage").asBoolean());
        } else {
            checkJson(dir, gw.chat(request));
        }
        assertThat(problems).as("what the upstream received").isEmpty();
        if (!Fixtures.has(dir, "upstream-request.json")) {
            assertThat(stub.requests()).as("a request the gateway must refuse never reaches the provider").isEmpty();
        }
    }

    private static void checkJson(Path dir, HttpResponse<String> r) {
        JsonNode expected = Fixtures.json(dir, "expected.json");
        JsonNode got = GatewayTestSupport.json(r.body());
        if (expected.has("failover")) {
            assertThat(r.statusCode()).isEqualTo(expected.get("status").asInt());
            assertThat(got.get("error")).isEqualTo(expected.get("error"));
            expected.path("headers").fields().forEachRemaining(e ->
                    assertThat(r.headers().firstValue(e.getKey())).hasValue(e.getValue().asText()));
            return;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Math.abs(got.path("created").asLong() - System.currentTimeMillis() / 1000)).isLessThan(60);
        ((ObjectNode) got).put("created", Fixtures.CREATED);
        withoutCost(got);
        assertThat(Fixtures.normal(got)).isEqualTo(expected);
        assertDropped(dir, r);
    }

    private static void checkStream(Path dir, GatewayTestSupport.StreamResult s, boolean includeUsage) {
        List<Fixtures.Ev> expected = new ArrayList<>(Fixtures.events(Fixtures.text(dir, "expected.sse")));
        expected.removeIf(e -> e.data() == null || !includeUsage && e.data().path("choices").isEmpty()
                && e.data().has("usage"));
        List<JsonNode> got = s.events();
        boolean midError = !expected.isEmpty() && "error".equals(expected.get(expected.size() - 1).event());
        if (midError) {
            expected.remove(expected.size() - 1);
            JsonNode last = got.remove(got.size() - 1);
            assertThat(last.path("error").path("message").asText()).isNotEmpty();
            assertThat(last.path("error").path("type").asText()).isEqualTo("server_error");
        }
        assertThat(s.response().statusCode()).isEqualTo(200);
        assertThat(got).hasSameSizeAs(expected);
        Set<Long> created = new TreeSet<>();
        for (int i = 0; i < got.size(); i++) {
            ObjectNode g = (ObjectNode) got.get(i);
            created.add(g.path("created").asLong());
            g.put("created", Fixtures.CREATED);
            withoutCost(g);
            assertThat(Fixtures.normal(g)).as("chunk " + i).isEqualTo(expected.get(i).data());
        }
        assertThat(created).as("one created for the whole stream").hasSize(1);
        assertThat(s.endsWithDone()).isTrue();
        assertDropped(dir, s.response());
    }

    /**
     * The fixtures hold what the translator produces; the gateway adds the price of the call to every usage object
     * ({@code usage.cost}, a number for catalogued models, and {@code usage.cost_details}). Asserts it is there,
     * then removes it for the comparison (its value is tested by the money tests).
     */
    private static void withoutCost(JsonNode chunk) {
        if (chunk.path("usage").isObject()) {
            ObjectNode usage = (ObjectNode) chunk.get("usage");
            assertThat(usage.has("cost")).as("usage.cost in " + chunk).isTrue();
            if (!usage.get("cost").isNull()) {
                assertThat(usage.get("cost").isNumber()).as("usage.cost is a number").isTrue();
                assertThat(usage.path("cost_details").isObject()).as("usage.cost_details").isTrue();
            }
            usage.remove(List.of("cost", "cost_details"));
        }
    }

    private static void assertDropped(Path dir, HttpResponse<?> r) {
        Set<String> expected = new TreeSet<>();
        Fixtures.meta(dir).path("dropped").forEach(n -> expected.add(n.asText()));
        Set<String> got = new TreeSet<>();
        r.headers().firstValue("x-caravan-dropped-params").ifPresent(h -> got.addAll(Arrays.asList(h.split(","))));
        assertThat(got).as("x-caravan-dropped-params").isEqualTo(expected);
    }

    /**
     * An embeddings fixture replayed through the routes: the provider was called on {@code upstreamPath} of the
     * model (the request's model without its provider prefix), or not at all when the fixture has no upstream
     * request; the answer is {@code expected.json}, its usage's cost aside, and says it was estimated when meta does.
     */
    public static void checkEmbeddings(Path dir, HttpResponse<String> r, StubUpstream stub,
            Function<String, String> upstreamPath) {
        JsonNode expected = Fixtures.json(dir, "expected.json");
        JsonNode got = GatewayTestSupport.json(r.body());
        if (!Fixtures.has(dir, "upstream-request.json")) {
            assertThat(stub.requests()).as("refused before any upstream call").isEmpty();
        } else {
            String model = GatewayTestSupport.json(Fixtures.text(dir, "request.json")).get("model").asText();
            assertThat(stub.lastRequest().path()).isEqualTo(upstreamPath.apply(model.substring(model.indexOf('/') + 1)));
        }
        if (expected.has("error")) {
            assertThat(r.statusCode()).isEqualTo(expected.get("status").asInt());
            assertThat(got.get("error")).isEqualTo(expected.get("error"));
            return;
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (got.at("/usage/cost").isNumber()) {
            assertThat(got.at("/usage/cost_details/estimated").asBoolean()).as("estimated usage is flagged")
                    .isEqualTo(Fixtures.meta(dir).path("estimated").asBoolean());
        }
        ((ObjectNode) got.get("usage")).remove(List.of("cost", "cost_details"));
        assertThat(Fixtures.normal(got)).isEqualTo(expected);
    }

    /** Cases a route test replays: every folder with a recorded reply, or a request the gateway must refuse. */
    public static List<Path> cases(String provider, Function<Path, Boolean> filter) {
        return Fixtures.cases(provider).stream().filter(filter::apply).toList();
    }
}
