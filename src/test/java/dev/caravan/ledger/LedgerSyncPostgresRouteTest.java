package dev.caravan.ledger;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@link LedgerSyncRouteTest} with the ledger on PostgreSQL ({@code CARAVAN_TEST_POSTGRES_URL}). */
@EnabledIfEnvironmentVariable(named = "CARAVAN_TEST_POSTGRES_URL", matches = ".+")
class LedgerSyncPostgresRouteTest extends LedgerSyncRouteTest {

    static final String SCHEMA = PostgresSchema.create();

    @Override
    protected Map<String, String> properties() {
        return with(Map.of("caravan.ledger.jdbc-url", PostgresSchema.url(SCHEMA)));
    }

    @AfterAll
    void dropSchema() {
        PostgresSchema.drop(SCHEMA);
    }
}
