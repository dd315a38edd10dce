import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.provider.ChatResult;

/**
 * A response-cache hit's answer, from the stored bytes to the bytes the client gets with the hit's cost in its
 * usage: before (the stored bytes parsed into a tree, the cost written into it, the tree serialised) and after
 * (ChatResult.stored: one token pass, the cost spliced into the bytes), alternated in one process: microseconds
 * and bytes allocated per hit.
 *
 * <pre>taskset -c 0 java -cp target/caravan.jar bench/CacheHitCost.java bench/harness/mock-upstream/responses/openai-chat.json 100000</pre>
 */
public class CacheHitCost {
    static long sink;

    public static void main(String[] a) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(a[0]));
        long total = Long.parseLong(a[1]);
        BigDecimal saved = new BigDecimal("0.000123");
        for (int round = 0; round < 4; round++) {
            for (String mode : new String[] {"before", "after"}) {
                boolean after = mode.equals("after");
                long n = round == 0 ? total / 4 : total;
                var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                long b0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    ChatResult r = after ? ChatResult.stored(body, null)
                            : new ChatResult((ObjectNode) Json.REPLIES.readTree(body), null);
                    // what CostStep writes for a hit (Meter.write): no cost, and what the answer cost when stored
                    r.editUsage(u -> {
                        u.put("cost", BigDecimal.ZERO);
                        u.putObject("cost_details").put("saved", saved);
                    });
                    sink += r.bytes().length;
                }
                long t1 = System.nanoTime();
                long b1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                if (round > 0) {
                    System.out.printf("round=%d %s us_per_hit=%.2f bytes_per_hit=%d%n", round, mode,
                            (t1 - t0) / 1e3 / n, (b1 - b0) / n);
                }
            }
        }
    }
}
