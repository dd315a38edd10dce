package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ChatChunk;
import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseCodec;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamDecoder;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.UpstreamResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recorded-traffic fixtures under {@code src/test/resources/fixtures/<provider>/<case>/}:
 * <ul>
 * <li>{@code request.json}: what the OpenAI client sends;</li>
 * <li>{@code upstream-request.json}: the provider request it must become (absent when translation must fail);</li>
 * <li>{@code upstream-response.json} or {@code .sse}: the provider's recorded reply;</li>
 * <li>{@code expected.json}: the client answer, or {@code {"status","headers","failover","error"}} for an error
 * (what {@link ErrorMapper#toClient} makes of the exception); {@code expected.sse}: the chunks the stream
 * translator emits, then the usage chunk and {@code [DONE]} (as the session sends them with include_usage), or an
 * {@code event: error} whose data is {@code {"status", "error"}} as the translator reported it;</li>
 * <li>{@code case.json} (optional): {@code dropped} (expected x-caravan-dropped-params), {@code status} and
 * {@code headers} of the upstream reply.</li>
 * </ul>
 */
public final class Fixtures {

    /** Fixed clock of translator tests: every {@code created} is this. */
    public static final long CREATED = 1_760_000_000L;

    private Fixtures() {
    }

    /** The chat cases of {@code provider}: every folder but the embeddings ones. */
    public static List<Path> cases(String provider) {
        return all(provider).stream().filter(p -> !p.getFileName().toString().startsWith(EMBEDDINGS)).toList();
    }

    /** Folder-name prefix of the {@code POST /v1/embeddings} cases, run by their own test. */
    public static final String EMBEDDINGS = "embeddings-";

    /** The cases of {@code provider} whose folder name starts with {@code prefix}. */
    public static List<Path> cases(String provider, String prefix) {
        return all(provider).stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }

    private static List<Path> all(String provider) {
        Path root = Path.of("src/test/resources/fixtures", provider);
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean has(Path dir, String file) {
        return Files.exists(dir.resolve(file));
    }

    public static String text(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path dir, String file) {
        return GatewayTestSupport.json(text(dir, file));
    }

    /** case.json, or an empty object. */
    public static JsonNode meta(Path dir) {
        return has(dir, "case.json") ? json(dir, "case.json") : Json.NODES.objectNode();
    }

    public static ChatRequest request(Path dir) {
        try {
            return Json.MAPPER.readValue(text(dir, "request.json"), ChatRequest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The upstream model id: the request's model after {@code <provider>/}. */
    public static String model(ChatRequest r) {
        return r.model().substring(r.model().indexOf('/') + 1);
    }

    /** The recorded upstream reply of a fixture: {@code upstream-response.json} with meta's status and headers. */
    public static UpstreamResponse upstreamReply(Path dir, JsonNode meta) {
        Map<String, List<String>> h = new HashMap<>();
        meta.path("headers").fields().forEachRemaining(e -> h.put(e.getKey(), List.of(e.getValue().asText())));
        return new UpstreamResponse(meta.path("status").asInt(200), HttpHeaders.of(h, (a, b) -> true),
                text(dir, "upstream-response.json").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A fixture's request translated by {@code translate} (given the list it notes dropped parameters in): the
     * upstream request must be {@code upstream-request.json} and the dropped parameters meta's {@code dropped}.
     * A translation that fails must be the fixture's {@code expected.json} client error; then null is returned.
     */
    public static <T> T translated(Path dir, Function<List<String>, T> translate) {
        List<String> dropped = new ArrayList<>();
        T t;
        try {
            t = translate.apply(dropped);
        } catch (RuntimeException e) {
            JsonNode actual = clientError(e);
            record(dir, "expected.json", pretty(actual));
            assertThat(has(dir, "upstream-request.json")).as("translation failed: " + e).isFalse();
            assertThat(actual).isEqualTo(json(dir, "expected.json"));
            return null;
        }
        JsonNode body = normal(Json.MAPPER.valueToTree(t));
        record(dir, "upstream-request.json", pretty(body));
        assertThat(body).as("upstream request").isEqualTo(json(dir, "upstream-request.json"));
        List<String> expectedDropped = new ArrayList<>();
        meta(dir).path("dropped").forEach(n -> expectedDropped.add(n.asText()));
        assertThat(dropped).as("dropped params").containsExactlyInAnyOrderElementsOf(expectedDropped);
        return t;
    }

    /** What the client would see for a translation failure. */
    public static JsonNode clientError(RuntimeException e) {
        ErrorMapper.ClientError ce = ErrorMapper.toClient(e, "req_test");
        ObjectNode o = Json.NODES.objectNode();
        o.put("status", ce.status());
        o.set("headers", Json.MAPPER.valueToTree(ce.headers()));
        o.put("failover", e instanceof ProviderUnavailable);
        o.set("error", Json.MAPPER.valueToTree(ce.body().error()));
        return normal(o);
    }

    /** One event of a translated stream: its name ({@code null} for plain data) and JSON ({@code null} = [DONE]). */
    public record Ev(String event, JsonNode data) {
    }

    /**
     * Feeds an upstream stream body (SSE, or the translator's own framing), in pieces of {@code split} bytes, through
     * {@code t}; returns what it emitted.
     */
    public static List<Ev> translateStream(byte[] sse, StreamTranslator t, int split) {
        Recorder rec = new Recorder();
        StreamDecoder reader = t.decoder(ev -> {
            if (!rec.ended) {
                try {
                    t.onEvent(ev, rec);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        for (int i = 0; i < sse.length; i += split) {
            reader.feed(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(sse, i, Math.min(sse.length, i + split))));
        }
        reader.finish();
        if (!rec.ended) {
            t.onEnd(rec);
            if (!rec.ended && rec.finished) {
                rec.done();
            }
        }
        return rec.events;
    }

    /** Reads an expected.sse file. */
    public static List<Ev> events(String sse) {
        List<Ev> out = new ArrayList<>();
        SseCodec.Reader r = new SseCodec.Reader(ev -> out.add(parse(ev)));
        r.feed(sse.getBytes(StandardCharsets.UTF_8));
        r.finish();
        return out;
    }

    private static Ev parse(SseEvent ev) {
        return new Ev(ev.event(), "[DONE]".equals(ev.data()) ? null : GatewayTestSupport.json(ev.data()));
    }

    /** Writes events in the expected.sse format. */
    public static String format(List<Ev> events) {
        StringBuilder sb = new StringBuilder();
        for (Ev e : events) {
            if (e.event() != null) {
                sb.append("event: ").append(e.event()).append('\n');
            }
            sb.append("data: ").append(e.data() == null ? "[DONE]" : e.data().toString()).append("\n\n");
        }
        return sb.toString();
    }

    /** Writes {@code file} when it is missing and recording is on ({@code -Dfixtures.record=true}). */
    public static boolean record(Path dir, String file, String content) {
        if (!Boolean.getBoolean("fixtures.record") || has(dir, file)) {
            return false;
        }
        try {
            Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree as it reads back from JSON text, so numbers compare by value whatever node type made them. */
    public static JsonNode normal(JsonNode n) {
        return n == null ? null : GatewayTestSupport.json(n.toString());
    }

    public static String pretty(JsonNode n) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ChunkSink that records what a session would send (with include_usage on). */
    static final class Recorder implements ChunkSink {
        final List<Ev> events = new ArrayList<>();
        boolean ended;
        boolean finished;
        String id;
        long created;
        String model;
        Usage usage;

        @Override
        public void meta(String id, long created, String model) {
            if (this.id == null) {
                this.id = id;
                this.created = created;
                this.model = model;
            }
        }

        /** The Chat Completions encoder below takes chunks as the provider's text. */
        @Override
        public boolean takesRawChunks() {
            return true;
        }

        /** Each chunk as the client gets it: through the Chat Completions encoder (raw chunks as they are). */
        @Override
        public void chunk(Object chunk) {
            StreamEncoder.chat(false).chunk(chunk, bytes -> events.addAll(events(
                    new String(bytes, StandardCharsets.UTF_8))));
        }

        @Override
        public void usage(Usage u) {
            this.usage = u;
        }

        @Override
        public void finished() {
            finished = true;
        }

        @Override
        public void done() {
            if (usage != null) {
                events.add(new Ev(null, normal(Json.MAPPER.valueToTree(ChatChunk.usage(id, created, model, usage)))));
            }
            events.add(new Ev(null, null));
            ended = true;
        }

        @Override
        public void error(int status, ErrorMapper.UpstreamError error) {
            ObjectNode o = Json.NODES.objectNode();
            o.put("status", status);
            o.set("error", Json.MAPPER.valueToTree(error));
            events.add(new Ev("error", normal(o)));
            ended = true;
        }
    }
}
