package dev.caravan.ledger;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Aggregation of route {@code ledger.batch}: each incoming exchange carries a list of rows (what the feeder
 * collected since its last hand-over); the aggregate is their concatenation, one JDBC batch. The number of rows
 * so far is kept in header {@value #ROWS} for the route's completion predicate: a header test is a map lookup,
 * where {@code ${body.size()}} is an OGNL call that copies the exchange and hashes every row of the batch (Camel's
 * bean-info cache key holds the body) on each evaluation.
 */
public final class LedgerBatches implements AggregationStrategy {

    /** Rows in the batch so far. */
    public static final String ROWS = "CaravanLedgerRows";

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        List<LedgerRow> rows = newExchange.getMessage().getBody(List.class);
        if (oldExchange == null) {
            List<LedgerRow> batch = new ArrayList<>(rows);
            newExchange.getMessage().setBody(batch);
            newExchange.getMessage().setHeader(ROWS, batch.size());
            return newExchange;
        }
        List<LedgerRow> batch = oldExchange.getMessage().getBody(List.class);
        batch.addAll(rows);
        oldExchange.getMessage().setHeader(ROWS, batch.size());
        return oldExchange;
    }
}
