package dev.caravan.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.support.Secrets;

/**
 * Caravan's own tables (virtual keys, ledger, budget alerts): a pooled JDBC data source, migrated by Flyway from
 * {@code db/caravan} on start. The same SQL runs on the embedded H2 file database (the default, under
 * {@code data/}) and on PostgreSQL ({@code caravan.ledger.jdbc-url=jdbc:postgresql://...}).
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    static final long CONNECTION_TIMEOUT_MS = 5_000;

    private final HikariDataSource dataSource;
    private final boolean postgres;
    private final String schemaVersion;

    public Database(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        // a password written into the URL (PostgreSQL's ?password=, H2's ;PASSWORD=) is a secret too: driver errors
        // quote the URL, and readiness shows driver errors
        java.util.regex.Matcher inUrl = java.util.regex.Pattern.compile("(?i)password=([^&;]+)").matcher(jdbcUrl);
        while (inUrl.find()) {
            Secrets.register(inUrl.group(1));
        }
        c.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            c.setUsername(user);
        }
        if (password != null && !password.isBlank()) {
            Secrets.register(password);
            c.setPassword(password);
        }
        // Flyway's migration holds two connections at once: a pool of one could not start
        c.setMaximumPoolSize(Math.max(2, poolSize));
        c.setMinimumIdle(1);
        c.setPoolName("caravan-db");
        c.setInitializationFailTimeout(10_000);
        // a database that is down fails a borrow within seconds (the ledger retries, then uses its fallback file;
        // readiness reports it), instead of Hikari's default 30 s
        c.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        c.setValidationTimeout(2_000);
        this.dataSource = new HikariDataSource(c);
        this.postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        this.schemaVersion = migrate();
    }

    /** The schema version after start-up's migration (the same whether this start migrated or found it current). */
    public String schemaVersion() {
        return schemaVersion;
    }

    /**
     * Brings the schema up to date. Replicas that start together on a fresh database race to create Flyway's
     * history table: the loser sees it "already exists, and is empty" while the winner migrates. Migrating is
     * idempotent, so the loser tries again once the winner is done (a few attempts, a second apart).
     */
    private String migrate() {
        String current = currentVersion();
        if (current != null) {
            LOG.info("database {} at schema version {}", postgres ? "PostgreSQL" : "H2", current);
            return current;
        }
        var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/caravan")
                .table("caravan_schema_history").baselineOnMigrate(true).baselineVersion("0").load();
        for (int attempt = 1; ; attempt++) {
            try {
                var result = flyway.migrate();
                // targetSchemaVersion is null when there was nothing to migrate: the schema was already current
                String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                        : result.initialSchemaVersion;
                LOG.info("database {} at schema version {}{}", postgres ? "PostgreSQL" : "H2", version,
                        result.migrationsExecuted > 0 ? " (" + result.migrationsExecuted + " migrations applied)" : "");
                return version;
            } catch (org.flywaydb.core.api.FlywayException e) {
                if (attempt >= MIGRATE_ATTEMPTS) {
                    throw e;
                }
                LOG.info("database schema busy (another replica migrating?), attempt {} of {}: {}", attempt,
                        MIGRATE_ATTEMPTS, e.getMessage().lines().findFirst().orElse(""));
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static final int MIGRATE_ATTEMPTS = 5;

    /** The highest migration under {@code db/caravan} (DatabaseSchemaVersionTest keeps it in step with the files). */
    static final int LATEST_MIGRATION = 8;

    /**
     * {@link #LATEST_MIGRATION} when Flyway's history says every migration up to it ran and none failed; null
     * otherwise (a new database, one that is behind or ahead, a failed migration), and Flyway then runs as always.
     * A restart on a current schema so skips loading Flyway (~400 classes) and scanning the jar for migrations.
     */
    private String currentVersion() {
        try (Connection c = dataSource.getConnection();
                var st = c.createStatement();
                var rs = st.executeQuery("select \"version\", \"success\" from \"caravan_schema_history\"")) {
            int max = -1;
            while (rs.next()) {
                String v = rs.getString(1);
                if (!rs.getBoolean(2)) {
                    return null;
                }
                if (v != null) {
                    max = Math.max(max, Integer.parseInt(v));
                }
            }
            return max == LATEST_MIGRATION ? Integer.toString(max) : null;
        } catch (SQLException | NumberFormatException noHistoryYet) {
            return null;
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Work on one connection inside one transaction. */
    @FunctionalInterface
    public interface Transaction {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public void inTransaction(Transaction work) throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Null when a connection can be had and answers within two seconds; otherwise why not (for readiness).
     * Waits at most the pool's connection timeout (5 s).
     */
    public String problem() {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException | RuntimeException e) {
            return "database unreachable: " + Secrets.scrub(String.valueOf(e.getMessage()));
        }
        String problem;
        try {
            problem = c.isValid(2) ? null : "database does not answer";
        } catch (SQLException | RuntimeException e) {
            problem = "database unreachable: " + Secrets.scrub(String.valueOf(e.getMessage()));
        }
        if (problem != null) {
            // a pooled connection that died with its server is not always recognised as broken by the pool
            // (it depends on the driver's error codes): drop it so the next borrow opens a fresh one
            dataSource.evictConnection(c);
        }
        try {
            c.close();
        } catch (SQLException e) {
            // evicted or already broken
        }
        return problem;
    }

    public boolean isPostgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
