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

    private final HikariDataSource dataSource;
    private final boolean postgres;

    public Database(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            c.setUsername(user);
        }
        if (password != null && !password.isBlank()) {
            Secrets.register(password);
            c.setPassword(password);
        }
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(1);
        c.setPoolName("caravan-db");
        c.setInitializationFailTimeout(10_000);
        this.dataSource = new HikariDataSource(c);
        this.postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        migrate();
    }

    private void migrate() {
        var result = Flyway.configure().dataSource(dataSource).locations("classpath:db/caravan")
                .table("caravan_schema_history").baselineOnMigrate(true).baselineVersion("0").load().migrate();
        LOG.info("database {} at schema version {}", postgres ? "PostgreSQL" : "H2", result.targetSchemaVersion);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    public boolean isPostgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
