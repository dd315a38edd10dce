import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.management.ThreadMXBean;

import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseCodec;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.openai.OpenAiQuirks;
import dev.caravan.provider.openai.OpenAiStreamTranslator;

/**
 * The gateway's per-event work on an OpenAI-compatible stream, without the network: the upstream bytes of a whole
 * stream (a recording of the bench's mock: 22 chunks and [DONE]) through the SSE reader, the OpenAI stream
 * translator and the Chat Completions encoder, as StreamSession drives them. Microseconds and bytes allocated per
 * upstream event, on one thread.
 *
 * <pre>taskset -c 0 java -XX:+UseSerialGC -cp target/caravan.jar bench/StreamEventCost.java bench/requests/mock-stream.sse 20000</pre>
 */
public class StreamEventCost {
    static long sink;

    public static void main(String[] a) throws Exception {
        byte[] stream = Files.readAllBytes(Path.of(a[0]));
        int streams = Integer.parseInt(a[1]);
        Constructor<OpenAiQuirks> qc = OpenAiQuirks.class.getDeclaredConstructor(String.class, String.class,
                String.class, String.class, String.class, String.class, String.class, boolean.class, boolean.class);
        qc.setAccessible(true);
        OpenAiQuirks quirks = qc.newInstance(null, null, null, null, null, null, null, false, true);
        ThreadMXBean mx = (ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) {
            long events = 0;
            long b0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                events += one(stream, quirks);
            }
            long t1 = System.nanoTime();
            long b1 = mx.getCurrentThreadAllocatedBytes();
            System.out.printf("round %d: %.3f us, %d bytes per upstream event (%d events, %d bytes out)%n", round,
                    (t1 - t0) / 1e3 / events, (b1 - b0) / events, events, sink);
        }
    }

    static int one(byte[] stream, OpenAiQuirks quirks) {
        OpenAiStreamTranslator t = new OpenAiStreamTranslator(quirks);
        StreamEncoder enc = StreamEncoder.chat(true);
        int[] n = {0};
        ChunkSink out = new ChunkSink() {
            String id;
            long created;
            String model;
            Usage usage;

            @Override
            public boolean takesRawChunks() {
                return enc.takesRawChunks();
            }

            @Override
            public void meta(String id, long created, String model) {
                if (this.id == null) {
                    this.id = id;
                    this.created = created;
                    this.model = model;
                }
            }

            @Override
            public void chunk(Object chunk) {
                enc.chunk(chunk, b -> sink += b.length);
            }

            @Override
            public void usage(Usage u) {
                usage = u;
            }

            @Override
            public void finished() {
            }

            @Override
            public void done() {
                enc.end(usage, id, created, model, b -> sink += b.length);
            }

            @Override
            public void error(int status, ErrorMapper.UpstreamError error) {
                throw new IllegalStateException(error.toString());
            }
        };
        SseCodec.Reader r = new SseCodec.Reader(ev -> {
            n[0]++;
            try {
                t.onEvent(ev, out);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        r.feed(stream);
        r.finish();
        return n[0];
    }
}
