package dev.caravan.responses;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.api.Json;
import dev.caravan.db.Database;
import dev.caravan.support.Secrets;

/**
 * Stored responses ({@code store: true}), per owning key, in Caravan's database (table caravan_responses,
 * migration V6). Writes never delay the answer: {@link #save} puts the response in a pending map (so this replica
 * reads its own writes at once: GET, DELETE and previous_response_id see it immediately) and one writer thread
 * inserts it, retrying; the pending entry is dropped once the row is written. Close drains the writer. Rows older
 * than the retention are invisible on read and deleted by {@link #purgeExpired} (scheduled). Without a database
 * ({@code caravan.money.enabled=false}) the store keeps responses in memory, with the same retention.
 */
public final class ResponseStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseStore.class);
    private static final int ATTEMPTS = 5;

    /** One stored response and the conversation items that led to it. */
    public record Stored(String id, String keyId, String tenant, long createdAt, ArrayNode input,
            ObjectNode response) {
    }

    private final Database db;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Stored> pending = new ConcurrentHashMap<>();
    private final ExecutorService writer;

    public ResponseStore(Database db, Duration retention, Clock clock) {
        this.db = db;
        this.retention = retention;
        this.clock = clock;
        this.writer = db == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "caravan-responses-writer");
            t.setDaemon(true);
            return t;
        });
    }

    public void save(Stored s) {
        pending.put(s.id(), s);
        if (writer != null) {
            writer.execute(() -> write(s));
        }
    }

    private void write(Stored s) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (pending.get(s.id()) != s) {
                return; // deleted meanwhile
            }
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO caravan_responses (id, key_id, tenant, created_at, input_items, response) "
                            + "VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.id());
                ps.setString(2, s.keyId());
                ps.setString(3, s.tenant());
                ps.setLong(4, s.createdAt());
                ps.setString(5, Json.MAPPER.writeValueAsString(s.input()));
                ps.setString(6, Json.MAPPER.writeValueAsString(s.response()));
                ps.executeUpdate();
                pending.remove(s.id(), s);
                return;
            } catch (Exception e) {
                LOG.warn("storing response {} failed (attempt {} of {}): {}", s.id(), attempt, ATTEMPTS,
                        Secrets.scrub(e.toString()));
                sleep(200L * attempt);
            }
        }
        LOG.error("response {} could not be written to the database; it stays readable in memory until restart",
                s.id());
    }

    /** The response {@code id} owned by {@code keyId}, or null (unknown, another key's, expired). */
    public Stored find(String id, String keyId) {
        Stored s = pending.get(id);
        if (s == null && db != null) {
            s = read(id);
        }
        if (s == null || !s.keyId().equals(keyId) || expired(s.createdAt())) {
            return null;
        }
        return s;
    }

    /** Deletes the response {@code id} of {@code keyId}; false when there is none. */
    public boolean delete(String id, String keyId) {
        Stored s = find(id, keyId);
        if (s == null) {
            return false;
        }
        pending.remove(id);
        if (db != null) {
            // on the writer thread, so it runs after a pending insert of the same id
            try {
                writer.submit(() -> {
                    deleteRow(id);
                    return null;
                }).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the stored response could not be deleted", e);
            }
        }
        return true;
    }

    private void deleteRow(String id) throws SQLException {
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM caravan_responses WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private Stored read(String id) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT key_id, tenant, created_at, input_items, response FROM caravan_responses WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Stored(id, rs.getString(1), rs.getString(2), rs.getLong(3),
                        (ArrayNode) Json.MAPPER.readTree(rs.getString(4)),
                        (ObjectNode) Json.MAPPER.readTree(rs.getString(5)));
            }
        } catch (Exception e) {
            throw new IllegalStateException("stored responses are unavailable: " + Secrets.scrub(e.toString()), e);
        }
    }

    private boolean expired(long createdAtSeconds) {
        return createdAtSeconds < cutoff();
    }

    private long cutoff() {
        return clock.instant().minus(retention).getEpochSecond();
    }

    /** Deletes rows past the retention; returns how many. */
    public int purgeExpired() {
        long cutoff = cutoff();
        pending.values().removeIf(s -> s.createdAt() < cutoff);
        if (db == null) {
            return 0;
        }
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM caravan_responses WHERE created_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("deleting expired responses failed: {}", Secrets.scrub(e.toString()));
            return 0;
        }
    }

    /** Responses accepted but not yet written (0 once the writer caught up). */
    public int pendingWrites() {
        return db == null ? 0 : pending.size();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (writer != null) {
            writer.shutdown();
            writer.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
