package dev.caravan.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.caravan.api.Json;
import dev.caravan.auth.Budget;
import dev.caravan.db.Database;

/**
 * Virtual keys in the {@code caravan_keys} table, with every key also held in memory (by id and by hash) so that
 * authentication of a known key never touches the database. Writes go to the database first, then to memory.
 *
 * <p>Replicas sharing one database: a key created on another replica is not in this one's memory, so a hash not
 * found in memory is looked up in the database once and kept; a hash the database does not know either is
 * remembered as unknown for {@link #UNKNOWN_FOR} (at most {@link #UNKNOWN_MAX} of them), so that a client
 * repeating a wrong key costs at most one query per hash and period.
 */
public final class JdbcKeyStore implements KeyStore {

    private static final String COLUMNS = "id, key_hash, key_prefix, name, tenant, labels, models, rpm, tpm, "
            + "budget_usd, budget_period, expires_at, status, allow_tenant_override, allow_tags, use_cache, "
            + "created_at, updated_at, trace_content";

    private final Database db;
    private final Clock clock;
    private final Map<String, VirtualKey> byId = new ConcurrentHashMap<>();
    private final Map<String, Found> byHash = new ConcurrentHashMap<>();
    private volatile java.util.concurrent.ScheduledExecutorService refresher;

    static final java.time.Duration UNKNOWN_FOR = java.time.Duration.ofSeconds(5);
    static final int UNKNOWN_MAX = 10_000;
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> unknown =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(UNKNOWN_MAX)
                    .expireAfterWrite(UNKNOWN_FOR).build();

    public JdbcKeyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        load();
    }

    private void load() {
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM caravan_keys");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                index(read(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read virtual keys: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Created create(UnaryOperator<VirtualKey> init) {
        String secret = KeySecrets.newSecret();
        Instant now = clock.instant();
        VirtualKey fresh = new VirtualKey(KeySecrets.newId(), null, "default", Map.of(), List.of(), null, null, null,
                null, VirtualKey.Status.ACTIVE, false, false, false, KeySecrets.hash(secret),
                KeySecrets.displayPrefix(secret), now, now);
        VirtualKey k = init.apply(fresh);
        write("INSERT INTO caravan_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                k, false);
        index(k);
        return new Created(k, secret);
    }

    @Override
    public Optional<VirtualKey> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<Found> byHash(String hash) {
        Found f = byHash.get(hash);
        if (f != null || unknown.getIfPresent(hash) != null) {
            return Optional.ofNullable(f);
        }
        Optional<VirtualKey> stored = readByHash(hash);
        if (stored.isEmpty()) {
            unknown.put(hash, Boolean.TRUE);
            return Optional.empty();
        }
        synchronized (this) {
            // a local write of the same key since the read wins
            if (!byId.containsKey(stored.get().id())) {
                index(stored.get());
            }
        }
        return Optional.ofNullable(byHash.get(hash));
    }

    /**
     * Re-reads, every {@code everyMs}, the keys changed since the last read (by any replica: revocations, limits,
     * budgets), so that a change made on one replica reaches the others within that time. 0 = never.
     */
    public void refreshEvery(long everyMs) {
        if (everyMs <= 0 || refresher != null) {
            return;
        }
        refresher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caravan-keys-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshChanged, everyMs, everyMs,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void stopRefresh() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** Reads the keys updated since the newest one known (with a margin for clocks of other replicas). */
    void refreshChanged() {
        long since = byId.values().stream().mapToLong(k -> k.updatedAt().toEpochMilli()).max().orElse(0) - 10_000;
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM caravan_keys WHERE updated_at >= ?")) {
            ps.setLong(1, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    VirtualKey k = read(rs);
                    synchronized (this) {
                        VirtualKey mine = byId.get(k.id());
                        if (mine == null || mine.updatedAt().isBefore(k.updatedAt())) {
                            index(k);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            // the database is unreachable: the next refresh tries again, keys in memory keep working
        }
    }

    private Optional<VirtualKey> readByHash(String hash) {
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM caravan_keys WHERE key_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            // the database is down: an unknown key stays unknown (401), known keys go on working from memory
            return Optional.empty();
        }
    }

    @Override
    public List<VirtualKey> list(String tenant, boolean includeRevoked) {
        List<VirtualKey> out = new ArrayList<>();
        for (VirtualKey k : byId.values()) {
            if ((tenant == null || tenant.equals(k.tenant()))
                    && (includeRevoked || k.status() == VirtualKey.Status.ACTIVE)) {
                out.add(k);
            }
        }
        out.sort(Comparator.comparing(VirtualKey::createdAt).reversed().thenComparing(VirtualKey::id));
        return out;
    }

    @Override
    public synchronized Optional<VirtualKey> update(String id, UnaryOperator<VirtualKey> change) {
        VirtualKey old = byId.get(id);
        if (old == null) {
            return Optional.empty();
        }
        VirtualKey k = change.apply(old);
        k = new VirtualKey(old.id(), k.name(), k.tenant(), k.labels(), k.models(), k.rpm(), k.tpm(), k.budget(),
                k.expiresAt(), k.status(), k.allowTenantOverride(), k.allowTags(), k.cache(), old.keyHash(),
                old.keyPrefix(), old.createdAt(), clock.instant(), k.traceContent());
        write("UPDATE caravan_keys SET id = ?, key_hash = ?, key_prefix = ?, name = ?, tenant = ?, labels = ?, "
                + "models = ?, rpm = ?, tpm = ?, budget_usd = ?, budget_period = ?, expires_at = ?, status = ?, "
                + "allow_tenant_override = ?, allow_tags = ?, use_cache = ?, created_at = ?, updated_at = ?, "
                + "trace_content = ? WHERE id = ?", k, true);
        index(k);
        return Optional.of(k);
    }

    @Override
    public boolean isEmpty() {
        return byId.values().stream().noneMatch(k -> k.status() == VirtualKey.Status.ACTIVE);
    }

    private void index(VirtualKey k) {
        unknown.invalidate(k.keyHash());
        byId.put(k.id(), k);
        byHash.put(k.keyHash(), new Found(k, k.principal()));
    }

    private void write(String sql, VirtualKey k, boolean whereId) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bind(ps, k);
            if (whereId) {
                ps.setString(i, k.id());
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store virtual key " + k.id() + ": " + e.getMessage(), e);
        }
    }

    private static int bind(PreparedStatement ps, VirtualKey k) throws SQLException {
        int i = 1;
        ps.setString(i++, k.id());
        ps.setString(i++, k.keyHash());
        ps.setString(i++, k.keyPrefix());
        ps.setString(i++, k.name());
        ps.setString(i++, k.tenant());
        ps.setString(i++, json(k.labels()));
        ps.setString(i++, json(k.models()));
        setInt(ps, i++, k.rpm());
        setInt(ps, i++, k.tpm());
        ps.setBigDecimal(i++, k.budget() == null ? null : k.budget().usd());
        ps.setString(i++, k.budget() == null ? null : k.budget().period().label());
        if (k.expiresAt() == null) {
            ps.setNull(i++, Types.BIGINT);
        } else {
            ps.setLong(i++, k.expiresAt().toEpochMilli());
        }
        ps.setString(i++, k.status().name().toLowerCase(java.util.Locale.ROOT));
        ps.setBoolean(i++, k.allowTenantOverride());
        ps.setBoolean(i++, k.allowTags());
        ps.setBoolean(i++, k.cache());
        ps.setLong(i++, k.createdAt().toEpochMilli());
        ps.setLong(i++, k.updatedAt().toEpochMilli());
        ps.setBoolean(i++, k.traceContent());
        return i;
    }

    private static VirtualKey read(ResultSet rs) throws SQLException {
        BigDecimal usd = rs.getBigDecimal("budget_usd");
        long expires = rs.getLong("expires_at");
        boolean noExpiry = rs.wasNull();
        return new VirtualKey(rs.getString("id"), rs.getString("name"), rs.getString("tenant"),
                parse(rs.getString("labels"), new TypeReference<Map<String, String>>() { }),
                parse(rs.getString("models"), new TypeReference<List<String>>() { }), getInt(rs, "rpm"),
                getInt(rs, "tpm"),
                usd == null ? null : new Budget(usd, Budget.Period.parse(rs.getString("budget_period"))),
                noExpiry ? null : Instant.ofEpochMilli(expires),
                VirtualKey.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                rs.getBoolean("allow_tenant_override"), rs.getBoolean("allow_tags"), rs.getBoolean("use_cache"),
                rs.getString("key_hash"), rs.getString("key_prefix"), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")), rs.getBoolean("trace_content"));
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static Integer getInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T parse(String s, TypeReference<T> type) {
        try {
            return s == null ? null : Json.MAPPER.readValue(s, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
