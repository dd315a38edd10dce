package dev.caravan.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema version a start reports is the latest migration's, on a new database and on one that is already
 * current (Flyway reports no target version when it had nothing to do: the log said "version null" on every
 * restart).
 */
class DatabaseSchemaVersionTest {

    static String latestMigration() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/caravan"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max(Integer::compare)
                    .map(String::valueOf).orElseThrow();
        }
    }

    @Test
    void theLatestMigrationKnownInCodeIsTheLatestFile() throws IOException {
        assertThat(Integer.toString(Database.LATEST_MIGRATION)).isEqualTo(latestMigration());
    }

    /** A database one migration behind is brought up to date (the shortcut for a current schema does not apply). */
    @Test
    void aDatabaseBehindIsMigrated(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("caravan").toAbsolutePath();
        String previous = Integer.toString(Integer.parseInt(latestMigration()) - 1);
        org.flywaydb.core.Flyway.configure().dataSource(url, "sa", null).locations("classpath:db/caravan")
                .table("caravan_schema_history").target(previous).load().migrate();
        try (Database db = new Database(url, "sa", null, 2);
                var c = db.connection();
                var rs = c.createStatement().executeQuery(
                        "select max(cast(\"version\" as int)) from \"caravan_schema_history\"")) {
            assertThat(db.schemaVersion()).isEqualTo(latestMigration());
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Integer.parseInt(latestMigration()));
        }
    }

    @Test
    void aNewAndAnExistingDatabaseReportTheLatestVersion(@TempDir Path dir) throws IOException {
        String url = "jdbc:h2:file:" + dir.resolve("caravan").toAbsolutePath();
        String latest = latestMigration();
        try (Database created = new Database(url, "sa", null, 2)) {
            assertThat(created.schemaVersion()).isEqualTo(latest);
        }
        try (Database reopened = new Database(url, "sa", null, 2)) {
            assertThat(reopened.schemaVersion()).isEqualTo(latest);
        }
    }
}
