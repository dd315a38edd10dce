import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;

/**
 * One test of route.chat's content-based router on the model asked for, written as {@code ${body.model}} (OGNL
 * through Camel's bean language on the typed request) and as {@code ${header.CaravanModelAsked}} (a header lookup),
 * alone and with a second condition: microseconds and bytes allocated per evaluation, on one thread.
 *
 * <pre>taskset -c 0 java -XX:+UseSerialGC -cp target/caravan.jar bench/RouterTestCost.java 500000</pre>
 */
public class RouterTestCost {

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a.length > 0 ? a[0] : "500000");
        CamelContext ctx = new DefaultCamelContext();
        ctx.start();
        Exchange ex = new DefaultExchange(ctx);
        ex.getMessage().setBody(Json.MAPPER.readValue(
                "{\"model\":\"mock/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                ChatRequest.class));
        ex.getMessage().setHeader("CaravanModelAsked", "mock/gpt-4o-mini");
        ex.getMessage().setHeader("CaravanPromptTokens", 12L);
        String[] tests = {
            "${body.model} == 'caravan/cheap'",
            "${header.CaravanModelAsked} == 'caravan/cheap'",
            "${body.model} startsWith 'caravan/' && ${header.CaravanPromptTokens} > 8000",
            "${header.CaravanModelAsked} startsWith 'caravan/' && ${header.CaravanPromptTokens} > 8000"};
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 4; round++) {
            for (String s : tests) {
                Predicate p = ctx.resolveLanguage("simple").createPredicate(s);
                boolean sink = false;
                long b0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink ^= p.matches(ex);
                }
                long t1 = System.nanoTime();
                long b1 = mx.getCurrentThreadAllocatedBytes();
                System.out.printf("round %d  %-88s %6.3f us %6d B%s%n", round, s, (t1 - t0) / 1e3 / n,
                        (b1 - b0) / n, sink ? " (matched)" : "");
            }
        }
        ctx.stop();
    }
}
