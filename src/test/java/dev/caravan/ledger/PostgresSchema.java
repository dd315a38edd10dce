package dev.caravan.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;

/** A throw-away schema in the PostgreSQL named by {@code CARAVAN_TEST_POSTGRES_URL}. */
final class PostgresSchema {

    static final String ENV = "CARAVAN_TEST_POSTGRES_URL";

    private PostgresSchema() {
    }

    static boolean available() {
        String u = System.getenv(ENV);
        return u != null && !u.isBlank();
    }

    /** Creates a fresh schema and returns its name; null when no PostgreSQL is configured. */
    static String create() {
        if (!available()) {
            return null;
        }
        String name = "caravan_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(System.getenv(ENV))) {
            c.createStatement().execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a schema in " + ENV + ": " + e.getMessage(), e);
        }
        return name;
    }

    static String url(String schema) {
        String base = System.getenv(ENV);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void drop(String schema) {
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(System.getenv(ENV))) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
