package dev.caravan.money;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.caravan.db.Database;

import static org.assertj.core.api.Assertions.assertThat;

/** What Caravan adds to an H2 URL (write delay, page cache size), and that a URL's own settings win. */
class H2DefaultsTest {

    @Test
    void anH2UrlGetsTheWriteDelayAndTheSmallPageCache() {
        assertThat(MoneyConfiguration.h2Defaults("jdbc:h2:file:/x/caravan;DB_CLOSE_ON_EXIT=FALSE", false))
                .isEqualTo("jdbc:h2:file:/x/caravan;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=500;CACHE_SIZE=1024");
        assertThat(MoneyConfiguration.h2Defaults("jdbc:h2:file:/x/caravan", true))
                .isEqualTo("jdbc:h2:file:/x/caravan;WRITE_DELAY=0;CACHE_SIZE=1024");
    }

    @Test
    void whatTheUrlSetsItselfIsKept() {
        assertThat(MoneyConfiguration.h2Defaults("jdbc:h2:file:/x/caravan;cache_size=65536", false))
                .isEqualTo("jdbc:h2:file:/x/caravan;cache_size=65536;WRITE_DELAY=500");
        assertThat(MoneyConfiguration.h2Defaults("jdbc:h2:file:/x/caravan;WRITE_DELAY=100;CACHE_SIZE=2048", true))
                .isEqualTo("jdbc:h2:file:/x/caravan;WRITE_DELAY=100;CACHE_SIZE=2048");
    }

    @Test
    void otherDatabasesAreLeftAlone() {
        String pg = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        assertThat(MoneyConfiguration.h2Defaults(pg, true)).isEqualTo(pg);
    }

    @Test
    void theEmbeddedDatabaseRunsWithThatCache(@TempDir Path dir) throws Exception {
        String url = MoneyConfiguration.h2Defaults("jdbc:h2:file:" + dir.resolve("caravan") + ";DB_CLOSE_ON_EXIT=FALSE",
                false);
        try (Database db = new Database(url, "", "", 1); Connection c = db.connection();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'CACHE_SIZE'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1024");
        }
    }
}
