package dev.caravan.bench;

import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.ModelPatterns;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.UpstreamResponse;
import dev.caravan.provider.anthropic.AnthropicRequestTranslator;
import dev.caravan.provider.anthropic.AnthropicResponseTranslator;
import dev.caravan.provider.anthropic.AnthropicSettings;
import dev.caravan.provider.anthropic.AnthropicStreamTranslator;
import dev.caravan.provider.gemini.GeminiRequestTranslator;
import dev.caravan.provider.gemini.GeminiResponseTranslator;
import dev.caravan.provider.gemini.GeminiSettings;
import dev.caravan.provider.gemini.GeminiStreamTranslator;

/**
 * The native translators on recorded traffic, each measured to the bytes the gateway would send: request =
 * typed ChatRequest → provider JSON bytes; response = provider reply bytes → chat.completion JSON bytes; stream
 * event = one text-delta SSE event → the chunk's JSON bytes. The request is the tool-history case (system, tools,
 * assistant tool calls, tool results, a follow-up: every conversion step runs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class TranslatorBench {

    static final AnthropicSettings ANTHROPIC = new AnthropicSettings(4096, ModelPatterns.parse("claude-opus-4-7*"));
    static final GeminiSettings GEMINI = new GeminiSettings(ModelPatterns.parse("gemini-3*"),
            ModelPatterns.parse("gemini-3*"));
    static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (a, b) -> true);

    ChatRequest anthropicRequest;
    ChatRequest geminiRequest;
    UpstreamResponse anthropicReply;
    UpstreamResponse geminiReply;
    SseEvent anthropicEvent;
    SseEvent geminiEvent;
    AnthropicStreamTranslator anthropicStream;
    GeminiStreamTranslator geminiStream;
    final Sink sink = new Sink();

    @Setup
    public void setUp() throws Exception {
        anthropicRequest = Json.MAPPER.readValue(Payloads.bytes("anthropic", "tool-results-history", "request.json"),
                ChatRequest.class);
        geminiRequest = Json.MAPPER.readValue(Payloads.bytes("gemini", "tool-results-history", "request.json"),
                ChatRequest.class);
        anthropicReply = new UpstreamResponse(200, NO_HEADERS,
                Payloads.bytes("anthropic", "tools-auto-parallel", "upstream-response.json"));
        geminiReply = new UpstreamResponse(200, NO_HEADERS,
                Payloads.bytes("gemini", "tools-auto-parallel", "upstream-response.json"));
        anthropicEvent = new SseEvent("content_block_delta", Payloads.data("anthropic", "text-stream", "text_delta"));
        geminiEvent = new SseEvent(null, Payloads.data("gemini", "text-stream", "Hello"));
        anthropicStream = new AnthropicStreamTranslator(false, false, System::currentTimeMillis);
        anthropicStream.onEvent(new SseEvent("message_start", Payloads.data("anthropic", "text-stream",
                "message_start")), sink);
        anthropicStream.onEvent(new SseEvent("content_block_start", Payloads.data("anthropic", "text-stream",
                "content_block_start")), sink);
        geminiStream = new GeminiStreamTranslator("gemini-2.5-flash", false, System::currentTimeMillis);
        geminiStream.onEvent(geminiEvent, sink);
    }

    @Benchmark
    public byte[] anthropicRequest() throws Exception {
        return Json.MAPPER.writeValueAsBytes(AnthropicRequestTranslator.translate(anthropicRequest,
                "claude-sonnet-4-5", ANTHROPIC).body());
    }

    @Benchmark
    public byte[] anthropicResponse() throws Exception {
        return Json.MAPPER.writeValueAsBytes(AnthropicResponseTranslator.translate("anthropic", anthropicReply, false,
                1_760_000_000L, "claude-sonnet-4-5").body());
    }

    @Benchmark
    public void anthropicStreamEvent(Blackhole bh) throws Exception {
        sink.bh = bh;
        anthropicStream.onEvent(anthropicEvent, sink);
    }

    @Benchmark
    public byte[] geminiRequest() throws Exception {
        return Json.MAPPER.writeValueAsBytes(GeminiRequestTranslator.translate(geminiRequest, "gemini-2.5-flash",
                GEMINI, new ArrayList<>()));
    }

    @Benchmark
    public byte[] geminiResponse() throws Exception {
        return Json.MAPPER.writeValueAsBytes(GeminiResponseTranslator.translate("gemini", geminiReply,
                1_760_000_000L, "gemini-2.5-flash").body());
    }

    @Benchmark
    public void geminiStreamEvent(Blackhole bh) throws Exception {
        sink.bh = bh;
        geminiStream.onEvent(geminiEvent, sink);
    }

    /** Serializes each chunk as the session would (SseCodec framing aside). */
    static final class Sink implements ChunkSink {
        Blackhole bh;

        @Override
        public void meta(String id, long created, String model) {
        }

        @Override
        public void chunk(Object chunk) {
            try {
                byte[] b = Json.MAPPER.writeValueAsBytes(chunk);
                if (bh != null) {
                    bh.consume(b);
                }
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
    }

}
