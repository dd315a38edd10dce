package dev.caravan.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.caravan.auth.Authenticator;
import dev.caravan.auth.ConfigKeyAuthenticator;
import dev.caravan.keys.KeyStore;

/** The API's authenticator asks the keys from configuration before the key store. */
class ApiAuthenticatorTest {

    /** Hashes the key store was asked for; every other method of the store fails the test. */
    final List<String> asked = new java.util.ArrayList<>();
    final KeyStore store = (KeyStore) Proxy.newProxyInstance(KeyStore.class.getClassLoader(),
            new Class<?>[] {KeyStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("byHash")) {
                    asked.add((String) args[0]);
                    return Optional.empty();
                }
                throw new AssertionError("unexpected call to the key store: " + method.getName());
            });

    Authenticator authenticator() {
        Properties p = new Properties();
        p.setProperty(ConfigKeyAuthenticator.PREFIX + "main", "sk-cvn-config-key-0123456789");
        return MoneyConfiguration.authenticator(new ConfigKeyAuthenticator(p), store, Clock.systemUTC());
    }

    @Test
    void aKeyFromConfigurationNeverReachesTheKeyStore() {
        Authenticator auth = authenticator();
        for (int i = 0; i < 3; i++) {
            assertEquals("main", auth.authenticate("sk-cvn-config-key-0123456789").orElseThrow().keyId());
        }
        // the store's lookup of a hash it has not seen reads the database (and waits for its connection time-out
        // while the database is down): a key from configuration must not depend on it
        assertEquals(List.of(), asked);
    }

    @Test
    void anyOtherKeyIsLookedUpInTheKeyStore() {
        Authenticator auth = authenticator();
        assertTrue(auth.authenticate("sk-cvn-not-configured-99").isEmpty());
        assertEquals(1, asked.size());
    }
}
