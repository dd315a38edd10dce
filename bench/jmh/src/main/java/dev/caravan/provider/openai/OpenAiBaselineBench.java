package dev.caravan.provider.openai;

import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.UpstreamResponse;

/**
 * The OpenAI-compatible pass-through on the same conversation, for comparison with {@code TranslatorBench}: the
 * request is the same OpenAI JSON (as a tree: that path never types it), the reply is the OpenAI answer the native
 * translators produce for the Anthropic fixture, the stream event one of their text chunks. (This class lives in
 * the openai package to build an {@code OpenAiQuirks} the way the route template does.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class OpenAiBaselineBench {

    static final Path FIXTURES = Path.of(System.getProperty("caravan.fixtures", "src/test/resources/fixtures"));

    OpenAiQuirks quirks;
    ObjectNode request;
    UpstreamResponse reply;
    SseEvent event;
    OpenAiStreamTranslator stream;
    Blackhole current;
    final ChunkSink sink = new ChunkSink() {
        @Override
        public void meta(String id, long created, String model) {
        }

        @Override
        public void chunk(Object chunk) {
            try {
                current.consume(Json.MAPPER.writeValueAsBytes(chunk));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void usage(Usage usage) {
        }

        @Override
        public void finished() {
        }

        @Override
        public void done() {
        }

        @Override
        public void error(int status, ErrorMapper.UpstreamError error) {
        }
    };

    @Setup
    public void setUp() throws Exception {
        quirks = new OpenAiQuirks(null, null, null, null, null, null, null, false, true);
        request = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(
                FIXTURES.resolve("anthropic/tool-results-history/request.json")));
        reply = new UpstreamResponse(200, HttpHeaders.of(Map.of(), (a, b) -> true),
                Files.readAllBytes(FIXTURES.resolve("anthropic/tools-auto-parallel/expected.json")));
        String sse = Files.readString(FIXTURES.resolve("anthropic/text-stream/expected.sse"));
        event = new SseEvent(null, sse.split("\n\n")[1].substring(6));
        stream = new OpenAiStreamTranslator(quirks);
    }

    @Benchmark
    public byte[] openaiRequest() throws Exception {
        return Json.MAPPER.writeValueAsBytes(OpenAiRequestTranslator.translate(request, "gpt-4o-mini", false, quirks)
                .body());
    }

    @Benchmark
    public byte[] openaiResponse() throws Exception {
        return Json.MAPPER.writeValueAsBytes(OpenAiResponseTranslator.translate("openai", reply, quirks).body());
    }

    @Benchmark
    public void openaiStreamEvent(Blackhole bh) throws Exception {
        current = bh;
        stream.onEvent(event, sink);
    }
}
