package dev.caravan.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.db.Database;

/**
 * The store on a real database: H2 always, PostgreSQL too when CARAVAN_TEST_POSTGRES_URL is set (a fresh schema,
 * dropped afterwards). Migration V6, writes off the caller's thread, reads of pending writes, ownership, deletion
 * and retention.
 */
class ResponseStoreTest {

    @Test
    void onH2() throws Exception {
        String url = "jdbc:h2:file:" + Files.createTempDirectory("caravan-store").resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE";
        try (Database db = new Database(url, "", "", 2)) {
            roundTrip(db);
        }
    }

    @Test
    void onPostgresWhenAvailable() throws Exception {
        String base = System.getenv("CARAVAN_TEST_POSTGRES_URL");
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null && !base.isBlank(), "no PostgreSQL configured");
        String schema = "caravan_resp_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        try (Database db = new Database(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, "", "",
                2)) {
            roundTrip(db);
        } finally {
            try (Connection c = DriverManager.getConnection(base)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void roundTrip(Database db) throws Exception {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        ResponseStore store = new ResponseStore(db, Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));
        ArrayNode input = Json.NODES.arrayNode();
        input.add(ResponsesInput.message("user", "héllo ✓"));
        ObjectNode response = Json.NODES.objectNode().put("id", "resp_1").put("object", "response");
        store.save(new ResponseStore.Stored("resp_1", "key-a", "t", now.getEpochSecond(), input, response));
        // readable at once (pending), then from the table
        assertThat(store.find("resp_1", "key-a")).isNotNull();
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.pendingWrites() == 0);
        ResponseStore.Stored s = store.find("resp_1", "key-a");
        assertThat(s.input()).isEqualTo(input);
        assertThat(s.response()).isEqualTo(response);
        assertThat(store.find("resp_1", "key-b")).isNull();
        assertThat(store.delete("resp_1", "key-b")).isFalse();

        long old = now.minus(Duration.ofDays(31)).getEpochSecond();
        store.save(new ResponseStore.Stored("resp_old", "key-a", "t", old, input, response));
        await().atMost(10, TimeUnit.SECONDS).until(() -> store.pendingWrites() == 0);
        assertThat(store.find("resp_old", "key-a")).as("past the retention").isNull();
        assertThat(store.purgeExpired()).isEqualTo(1);

        assertThat(store.delete("resp_1", "key-a")).isTrue();
        assertThat(store.find("resp_1", "key-a")).isNull();
        store.close();
    }
}
