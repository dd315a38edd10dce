package dev.caravan.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.caravan.support.Secrets;
import dev.caravan.support.Sha256;

/**
 * Gateway keys declared in configuration: {@code caravan.keys.<name>=<key>} (values by reference, e.g.
 * {@code {{env:CARAVAN_API_KEY}}}). Only SHA-256 digests are kept; lookup is by digest, so the comparison does
 * not leak key prefixes through timing.
 */
public final class ConfigKeyAuthenticator implements Authenticator {

    public static final String PREFIX = "caravan.keys.";

    private final Map<String, Principal> byDigest = new HashMap<>();

    public ConfigKeyAuthenticator(Properties props) {
        for (String name : props.stringPropertyNames()) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String key = props.getProperty(name);
            if (key == null || key.isBlank()) {
                continue;
            }
            Secrets.register(key.trim());
            String id = name.substring(PREFIX.length());
            byDigest.put(digest(key.trim()), new Principal(id, "default", Map.of()));
        }
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(digest(token)));
    }

    @Override
    public boolean isEmpty() {
        return byDigest.isEmpty();
    }

    public int size() {
        return byDigest.size();
    }

    /** SHA-256 (hex) of a key. */
    public static String digest(String key) {
        return Sha256.hex(key);
    }
}
