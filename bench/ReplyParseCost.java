import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

/**
 * Reading an upstream chat reply as before (Json.MAPPER with duplicate-key detection, usage by data binding) and
 * after (Json.REPLIES, Usage.fromPlainTree), alternated in one process: microseconds and bytes allocated per reply.
 *
 * <pre>java -cp target/caravan.jar bench/ReplyParseCost.java bench/harness/mock-upstream/responses/openai-chat.json 100000</pre>
 */
public class ReplyParseCost {
    static long sink;

    public static void main(String[] a) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(a[0]));
        long total = Long.parseLong(a[1]);
        for (int round = 0; round < 4; round++) {
            for (String mode : new String[] {"before", "after"}) {
                boolean after = mode.equals("after");
                long n = round == 0 ? total / 4 : total;
                var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                long b0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                long t0 = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    ObjectNode tree = (ObjectNode) (after ? Json.REPLIES.readTree(body) : Json.MAPPER.readTree(body));
                    JsonNode u = tree.get("usage");
                    Usage usage = after ? Usage.fromPlainTree(u) : Json.MAPPER.treeToValue(u, Usage.class);
                    sink += usage.prompt();
                }
                long t1 = System.nanoTime();
                long b1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                if (round > 0) {
                    System.out.printf("round=%d %s us_per_reply=%.2f bytes_per_reply=%d%n", round, mode,
                            (t1 - t0) / 1e3 / n, (b1 - b0) / n);
                }
            }
        }
    }
}
