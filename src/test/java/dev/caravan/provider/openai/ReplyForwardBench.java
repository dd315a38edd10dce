package dev.caravan.provider.openai;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.UpstreamResponse;

/**
 * One non-streamed OpenAI-compatible reply from the upstream's bytes to the bytes the client is sent, with the
 * cost written into its usage: the tree path (parse, normalise, usage, cost into the tree, serialise) against the
 * reply kept as its bytes (one token pass, cost spliced in), alternated in one process; microseconds and bytes
 * allocated per reply. Not a test: run it by hand.
 *
 * <pre>
 * mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * taskset -c 0 java -XX:+UseSerialGC -cp "target/test-classes:target/classes:$(cat target/bench.cp)" \
 *   dev.caravan.provider.openai.ReplyForwardBench bench/harness/mock-upstream/responses/openai-chat.json 200000
 * </pre>
 */
public final class ReplyForwardBench {

    static long sink;

    public static void main(String[] a) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(a[0]));
        long total = Long.parseLong(a[1]);
        OpenAiQuirks q = OpenAiCompatibleTranslatorTest.shippedQuirks("openai");
        UpstreamResponse r = new UpstreamResponse(200, null, body);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        for (int round = 0; round < 5; round++) {
            for (String mode : new String[] {"tree", "as-sent"}) {
                long n = round == 0 ? total / 4 : total;
                long b0 = mx.getThreadAllocatedBytes(me);
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    byte[] out;
                    if (mode.equals("tree")) {
                        ObjectNode tree = OpenAiReplies.object("openai", r, "choices");
                        OpenAiResponseTranslator.normalizeChoices(tree, q);
                        sink += OpenAiResponseTranslator.usageOf(tree).prompt();
                        cost((ObjectNode) tree.get("usage"));
                        out = Json.MAPPER.writeValueAsBytes(tree);
                    } else {
                        ChatResult c = OpenAiResponseTranslator.translate("openai", r, q);
                        sink += c.usage().prompt();
                        c.editUsage(ReplyForwardBench::cost);
                        out = c.bytes();
                    }
                    sink += out.length;
                }
                long t1 = System.nanoTime();
                long b1 = mx.getThreadAllocatedBytes(me);
                if (round > 0) {
                    System.out.printf("round=%d %-7s us_per_reply=%.2f bytes_per_reply=%d%n", round, mode,
                            (t1 - t0) / 1e3 / n, (b1 - b0) / n);
                }
            }
        }
        System.out.println("(sink " + sink + ")");
    }

    /** What Meter.write puts into a priced reply's usage. */
    private static void cost(ObjectNode usage) {
        usage.put("cost", 0.0000123);
        ObjectNode d = usage.putObject("cost_details");
        d.put("input", 0.0000093);
        d.put("cache_read", 0.0);
        d.put("cache_write", 0.0);
        d.put("output", 0.000003);
        d.put("reasoning", 0.0);
    }
}
