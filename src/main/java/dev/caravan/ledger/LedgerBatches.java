package dev.caravan.ledger;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Aggregation of route {@code ledger.batch}: each incoming exchange carries a list of rows (what the feeder
 * collected since its last hand-over); the aggregate is their concatenation, one JDBC batch.
 */
public final class LedgerBatches implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        List<LedgerRow> rows = newExchange.getMessage().getBody(List.class);
        if (oldExchange == null) {
            newExchange.getMessage().setBody(new ArrayList<>(rows));
            return newExchange;
        }
        oldExchange.getMessage().getBody(List.class).addAll(rows);
        return oldExchange;
    }
}
