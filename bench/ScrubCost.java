import java.util.regex.Pattern;

import dev.caravan.support.Secrets;

/**
 * What scrubbing one access line costs: {@code Secrets.scrub} as it is (a literal check, then the key-shape regex
 * only when a shape can be there) against the regex run on every line as before, alternated in one process.
 *
 * <pre>
 * mvn -B -o -q -DskipTests package
 * taskset -c 1 java -cp target/caravan.jar bench/ScrubCost.java
 * </pre>
 */
public class ScrubCost {

    /** The key shapes of {@code Secrets}, as the regex that used to run on every line. */
    static final Pattern SHAPES = Pattern.compile(
            "(sk-[A-Za-z0-9_\\-*.]{8,}|sk_[A-Za-z0-9_\\-]{8,}|AIza[0-9A-Za-z_\\-]{20,}|gsk_[A-Za-z0-9]{8,}"
                    + "|xai-[A-Za-z0-9]{8,}|(?i:bearer)\\s+[A-Za-z0-9_\\-.=]{12,})");

    public static void main(String[] args) {
        Secrets.register("sk-cvn-bench-0123456789");
        Secrets.register("sk-mock-upstream-key-1234");
        String line = "{\"ts\":\"2026-12-06T23:29:35.439728997Z\",\"request_id\":\"req_f0ebd950fad0ecc9cb6e396a76993386\","
                + "\"endpoint\":\"chat\",\"key_id\":\"default\",\"tenant\":\"default\",\"model\":\"mock/gpt-4o-mini\","
                + "\"provider\":\"mock\",\"attempts\":1,\"status\":200,\"stream\":false,\"result\":\"ok\",\"prompt_tokens\":27,"
                + "\"completion_tokens\":42,\"cost_usd\":2.925E-5,\"latency_ms\":0.13}";
        int n = 200_000;
        long sink = 0;
        for (int round = 1; round <= 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += SHAPES.matcher(Secrets.scrub(line + (i & 1))).replaceAll(Secrets.MASK).length();
            }
            double regex = (System.nanoTime() - t) / (double) n / 1000;
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += Secrets.scrub(line + (i & 1)).length();
            }
            double now = (System.nanoTime() - t) / (double) n / 1000;
            System.out.printf("round %d: regex on every line %.2f µs, Secrets.scrub %.2f µs (line of %d chars)%n",
                    round, regex, now, line.length());
        }
        System.out.println(sink == 42 ? "" : "(done)");
    }
}
