package dev.caravan.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.caravan.db.Database;

import static org.assertj.core.api.Assertions.assertThat;

/** Two replicas' key stores on one database: a key made on one authenticates on the other, and changes travel. */
class SharedKeyStoreTest {

    @Test
    void aKeyCreatedOnOneReplicaIsFoundOnTheOtherAndItsRevocationFollows() throws Exception {
        Path dir = Files.createTempDirectory("caravan-keys");
        Database db = new Database("jdbc:h2:file:" + dir.resolve("k") + ";DB_CLOSE_ON_EXIT=FALSE", "", "", 2);
        try {
            JdbcKeyStore a = new JdbcKeyStore(db, Clock.systemUTC());
            // b's clock runs later, as another machine's may
            JdbcKeyStore b = new JdbcKeyStore(db, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1)));
            String unknown = KeySecrets.hash("sk-cvn-not-a-key");
            assertThat(b.byHash(unknown)).isEmpty();

            KeyStore.Created k = a.create(v -> v);
            String hash = KeySecrets.hash(k.secret());
            assertThat(b.byHash(hash)).get().extracting(f -> f.key().id()).isEqualTo(k.key().id());

            a.update(k.key().id(), v -> new VirtualKey(v.id(), v.name(), v.tenant(), v.labels(), v.models(), 7,
                    v.tpm(), v.budget(), v.expiresAt(), VirtualKey.Status.REVOKED, v.allowTenantOverride(),
                    v.allowTags(), v.cache(), v.keyHash(), v.keyPrefix(), v.createdAt(), v.updatedAt()));
            assertThat(b.byHash(hash).get().key().status()).isEqualTo(VirtualKey.Status.ACTIVE);
            b.refreshChanged();
            assertThat(b.byHash(hash).get().key().status()).isEqualTo(VirtualKey.Status.REVOKED);
            assertThat(b.get(k.key().id()).get().rpm()).isEqualTo(7);
        } finally {
            db.close();
        }
    }
}
