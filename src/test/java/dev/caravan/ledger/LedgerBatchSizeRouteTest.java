package dev.caravan.ledger;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A ledger batch is written as soon as it holds {@code caravan.ledger.batch-size} rows, not only when its interval
 * ends. With a 40 s flush the rows are handed to the batch route every 8 s and the interval would complete the batch
 * only after 32 s: rows that arrive within 20 s were written because the batch was full.
 */
class LedgerBatchSizeRouteTest extends MoneyTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.ledger.flush-ms", "40000", "caravan.ledger.batch-size", "5");
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingForItsInterval() {
        NewKey k = createKey("{\"tenant\":\"batch\"}");
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 12, 3, 0, 0)));
        for (int i = 0; i < 6; i++) {
            assertThat(chatAs(k.secret(), ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
        }
        await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> ledger().stream().filter(r -> k.id().equals(r.get("key_id"))).count() == 6);
    }
}
