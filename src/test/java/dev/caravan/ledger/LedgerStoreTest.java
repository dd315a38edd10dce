package dev.caravan.ledger;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.caravan.auth.Budget;
import dev.caravan.db.Database;
import dev.caravan.keys.JdbcKeyStore;
import dev.caravan.keys.KeyStore;
import dev.caravan.keys.VirtualKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL of keys, ledger and spend reports on the embedded H2 database and, when {@code CARAVAN_TEST_POSTGRES_URL}
 * is set, on PostgreSQL: the same migrations, the same statements, the same exact sums.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerStoreTest {

    final List<String> schemas = new ArrayList<>();

    Stream<String> databases() throws Exception {
        List<String> urls = new ArrayList<>();
        Path h2 = Files.createTempDirectory("caravan-ledger-store");
        urls.add("jdbc:h2:file:" + h2.resolve("caravan") + ";DB_CLOSE_ON_EXIT=FALSE");
        if (PostgresSchema.available()) {
            String schema = PostgresSchema.create();
            schemas.add(schema);
            urls.add(PostgresSchema.url(schema));
        }
        return urls.stream();
    }

    @AfterAll
    void dropSchemas() {
        schemas.forEach(PostgresSchema::drop);
    }

    static LedgerRow row(String id, String ts, String key, String tenant, String model, String cost, String saved,
            int status) {
        return new LedgerRow(id, Instant.parse(ts).toEpochMilli(), key, tenant, null, model, "openai",
                model.substring(model.indexOf('/') + 1), model, null, 100, 20, 10, 0, 5,
                cost == null ? null : new BigDecimal(cost), saved == null ? null : new BigDecimal(saved), false,
                saved != null, status, status < 400 ? "ok" : "error", status < 400 ? null : "x", false, 12, null, "chat");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void rowsSpendReportsAndBudgetsAgree(String url) throws Exception {
        try (Database db = new Database(url, null, null, 2)) {
            new JdbcLedgerWriter(db).write(List.of(
                    row("r1", "2026-11-01T10:00:00Z", "k1", "acme", "openai/gpt-4o", "0.0000031500", null, 200),
                    row("r2", "2026-11-01T11:00:00Z", "k1", "acme", "openai/gpt-4o-mini", "0.1234567891", null, 200),
                    row("r3", "2026-11-02T09:00:00Z", "k2", "beta", "openai/gpt-4o", null, null, 200),
                    row("r4", "2026-11-02T09:30:00Z", "k2", "beta", "openai/gpt-4o", "0", "0.5", 200),
                    row("r5", "2026-10-31T23:59:59Z", "k1", "acme", "openai/gpt-4o", "7", null, 200),
                    row("r6", "2026-11-03T00:00:00Z", "k1", "acme", "openai/gpt-4o", "0", null, 429)));
            LedgerQueries q = new LedgerQueries(db);
            Instant since = Instant.parse("2026-11-01T00:00:00Z");
            Instant until = Instant.parse("2026-12-01T00:00:00Z");

            SpendReport byTenant = q.spend(List.of("tenant"), since, until, null, null);
            assertThat(byTenant.total().requests()).isEqualTo(5);
            assertThat(byTenant.total().costUsd()).isEqualByComparingTo("0.1234599391");
            assertThat(byTenant.total().unknownCost()).isEqualTo(1);
            assertThat(byTenant.total().savedUsd()).isEqualByComparingTo("0.5");
            assertThat(byTenant.total().cacheHits()).isEqualTo(1);
            assertThat(byTenant.total().errors()).isEqualTo(1);
            assertThat(byTenant.rows()).extracting(l -> l.group().get("tenant")).containsExactly("acme", "beta");

            SpendReport byDayModel = q.spend(List.of("day", "model"), since, until, "acme", null);
            assertThat(byDayModel.rows()).extracting(l -> l.group().get("day") + " " + l.group().get("model"))
                    .containsExactly("2026-11-01 openai/gpt-4o-mini", "2026-11-01 openai/gpt-4o",
                            "2026-11-03 openai/gpt-4o");
            assertThat(q.spend(List.of("key"), since, until, null, "k2").total().requests()).isEqualTo(2);

            assertThat(q.spentSince("key:k1", LocalDate.parse("2026-11-01")))
                    .isEqualTo(dev.caravan.money.Money.units(new BigDecimal("0.1234599391")));
            assertThat(q.spentSince("tenant:acme", LocalDate.parse("2026-10-01")))
                    .isEqualTo(dev.caravan.money.Money.units(new BigDecimal("7.1234599391")));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void keysSurviveARestartAndOnlyTheirHashIsStored(String url) throws Exception {
        String id;
        String secret;
        try (Database db = new Database(url, null, null, 2)) {
            JdbcKeyStore store = new JdbcKeyStore(db, Clock.systemUTC());
            KeyStore.Created c = store.create(k -> new VirtualKey(k.id(), "n", "t", java.util.Map.of("env", "prod"),
                    List.of("openai/*"), 10, null, Budget.parse("12.5/week"), null, k.status(), true, false, true,
                    k.keyHash(), k.keyPrefix(), k.createdAt(), k.updatedAt()));
            id = c.key().id();
            secret = c.secret();
        }
        try (Database db = new Database(url, null, null, 2)) {
            JdbcKeyStore store = new JdbcKeyStore(db, Clock.systemUTC());
            VirtualKey k = store.byHash(dev.caravan.keys.KeySecrets.hash(secret)).orElseThrow().key();
            assertThat(k.id()).isEqualTo(id);
            assertThat(k.budget()).isEqualTo(new Budget(new BigDecimal("12.5000000000"), Budget.Period.WEEK));
            assertThat(k.labels()).containsEntry("env", "prod");
            assertThat(k.models()).containsExactly("openai/*");
            assertThat(k.allowTenantOverride()).isTrue();
            assertThat(k.cache()).isTrue();
            try (var con = db.connection(); var rs = con.createStatement().executeQuery(
                    "SELECT * FROM caravan_keys")) {
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        assertThat(String.valueOf(rs.getObject(i))).doesNotContain(secret.substring(7));
                    }
                }
            }
        }
    }
}
