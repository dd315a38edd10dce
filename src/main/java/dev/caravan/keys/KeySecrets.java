package dev.caravan.keys;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import dev.caravan.auth.ConfigKeyAuthenticator;
import dev.caravan.support.Sha256;

/** New key material: {@code sk-cvn-} and 32 random bytes (base64url), its SHA-256, ids and display prefixes. */
public final class KeySecrets {

    public static final String PREFIX = "sk-cvn-";

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {
    }

    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return "key_" + HexFormat.of().formatHex(b);
    }

    /** SHA-256 (hex) of a key; {@link ConfigKeyAuthenticator#digest} too. */
    public static String hash(String secret) {
        return Sha256.hex(secret);
    }

    /** What lists show of a key: its first characters. */
    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(secret.length(), PREFIX.length() + 6)) + "…";
    }
}
