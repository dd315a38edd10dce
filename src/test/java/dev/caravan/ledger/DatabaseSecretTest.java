package dev.caravan.ledger;

import org.junit.jupiter.api.Test;

import dev.caravan.db.Database;
import dev.caravan.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/** A password written into the JDBC URL is scrubbed from anything Caravan shows or logs, like a configured one. */
class DatabaseSecretTest {

    @Test
    void aPasswordInTheUrlIsASecret() {
        String password = "url-pw-" + Long.toHexString(System.nanoTime());
        try (Database db = new Database("jdbc:h2:mem:secret-" + password + ";USER=sa;PASSWORD=" + password, null, null,
                1)) { // a pool size of 1 is raised to the 2 that the schema migration needs
            assertThat(db.problem()).isNull();
            assertThat(Secrets.scrub("connect failed: jdbc:h2:mem:x;PASSWORD=" + password))
                    .doesNotContain(password).contains(Secrets.MASK);
        }
    }
}
