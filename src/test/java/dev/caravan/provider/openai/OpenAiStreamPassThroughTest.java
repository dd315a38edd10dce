package dev.caravan.provider.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content deltas that need no change reach the client as the provider's very text; every chunk the translator has
 * to read or change (usage, finish reasons, tool calls, errors, usage-only and unusual chunks) still takes the tree
 * path. The fixtures in OpenAiCompatibleTranslatorTest check what the client gets either way.
 */
class OpenAiStreamPassThroughTest {

    static final String DELTA = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
            + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" caf\\u00e9 \\\"x\\\"\"},\"logprobs\":null,\"finish_reason\":null}],"
            + "\"usage\":null}";

    final Sink sink = new Sink(true);
    final List<Object> chunks = sink.chunks;
    final List<String> meta = sink.meta;

    /** Records what the translator hands over; {@code raw}: whether it takes chunks as the provider's text. */
    static final class Sink implements ChunkSink {
        final List<Object> chunks = new ArrayList<>();
        final List<String> meta = new ArrayList<>();
        private final boolean raw;

        Sink(boolean raw) {
            this.raw = raw;
        }

        @Override
        public boolean takesRawChunks() {
            return raw;
        }

        @Override
        public void meta(String id, long created, String model) {
            meta.add(id + "/" + created + "/" + model);
        }

        @Override
        public void chunk(Object chunk) {
            chunks.add(chunk);
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
            chunks.add(error);
        }
    }

    OpenAiStreamTranslator translator() throws Exception {
        return new OpenAiStreamTranslator(OpenAiCompatibleTranslatorTest.shippedQuirks("openai"));
    }

    @Test
    void aContentDeltaPassesAsItsTextAndGivesTheStreamItsMeta() throws Exception {
        OpenAiStreamTranslator t = translator();
        t.onEvent(new SseEvent(null, DELTA), sink);
        t.onEvent(new SseEvent(null, DELTA.replace("chatcmpl-1", "chatcmpl-2")), sink);
        assertThat(chunks).hasSize(2).allSatisfy(c -> assertThat(c).isInstanceOf(StreamEncoder.RawChunk.class));
        assertThat(((StreamEncoder.RawChunk) chunks.get(0)).json()).isEqualTo(DELTA);
        assertThat(meta).containsExactly("chatcmpl-1/1735689600/gpt-4o-mini");
        List<byte[]> out = new ArrayList<>();
        StreamEncoder.chat(false).chunk(chunks.get(0), out::add);
        assertThat(new String(out.get(0), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("data: " + DELTA + "\n\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // usage in the chunk (taken out, re-emitted at the end)
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":1}}",
        // Groq's usage
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"x_groq\":{\"usage\":{}}}",
        // a finish reason (normalised, ends the answer)
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"eos\"}]}",
        // tool-call fragments (indexes fixed)
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"t\",\"function\":{}}]}}]}",
        // usage-only and annotation chunks (dropped)
        "{\"id\":\"c\",\"choices\":[]}",
        "{\"id\":\"c\",\"prompt_filter_results\":[]}",
        // in-band errors
        "{\"error\":{\"message\":\"m\",\"code\":500}}",
        "{\"object\":\"error\",\"message\":\"m\",\"choices\":[{\"delta\":{}}]}",
        // unusual shapes the tree path decides on
        "{\"id\":7,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
        "{\"id\":\"c\",\"created\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
        "{\"id\":\"c\",\"choices\":[\"x\"]}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]} trailing",
        "[1,2]"})
    void chunksTheTranslatorReadsOrChangesTakeTheTreePath(String data) throws Exception {
        translator().onEvent(new SseEvent(null, data), sink);
        assertThat(chunks).noneSatisfy(c -> assertThat(c).isInstanceOf(StreamEncoder.RawChunk.class));
    }

    @Test
    void anEventNamedErrorOrSpreadOverLinesTakesTheTreePath() throws Exception {
        OpenAiStreamTranslator t = translator();
        t.onEvent(new SseEvent("error", DELTA), sink);
        t.onEvent(new SseEvent(null, DELTA.replace(",\"choices\"", ",\n\"choices\"")), sink);
        assertThat(chunks).hasSize(2).noneSatisfy(c -> assertThat(c).isInstanceOf(StreamEncoder.RawChunk.class));
        assertThat(chunks.get(1)).isInstanceOf(ObjectNode.class);
    }

    /** A sink whose encoder reads chunks (guardrails, the Messages/Responses encoders, tracing) gets trees. */
    @Test
    void aSinkThatReadsChunksGetsTheTree() throws Exception {
        Sink reading = new Sink(false);
        List<Object> got = reading.chunks;
        translator().onEvent(new SseEvent(null, DELTA), reading);
        assertThat(got).hasSize(1).first().isInstanceOf(ObjectNode.class);
        assertThat(((ObjectNode) got.get(0)).at("/choices/0/delta/content").asText()).isEqualTo(" café \"x\"");
    }
}
