package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * {@link LedgerRouteTest} with the ledger on PostgreSQL ({@code CARAVAN_TEST_POSTGRES_URL}, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), in a schema of its own that is dropped afterwards.
 */
@EnabledIfEnvironmentVariable(named = "CARAVAN_TEST_POSTGRES_URL", matches = ".+")
class LedgerPostgresRouteTest extends LedgerRouteTest {

    static final String SCHEMA = PostgresSchema.create();

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.ledger.jdbc-url", PostgresSchema.url(SCHEMA));
    }

    @Override
    protected Connection openLedgerDatabase() throws Exception {
        return DriverManager.getConnection(PostgresSchema.url(SCHEMA));
    }

    @AfterAll
    void dropSchema() {
        PostgresSchema.drop(SCHEMA);
    }
}
