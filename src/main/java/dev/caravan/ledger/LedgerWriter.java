package dev.caravan.ledger;

import java.util.List;

/** Stores ledger rows, a batch at a time (one transaction per batch). */
public interface LedgerWriter {

    void write(List<LedgerRow> rows) throws Exception;
}
