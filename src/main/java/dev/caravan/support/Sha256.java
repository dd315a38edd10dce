package dev.caravan.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 with one digest per thread: {@code MessageDigest.getInstance} looks the provider up and allocates ~0.5 KB
 * each time, and the gateway key is hashed on every request.
 */
public final class Sha256 {

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Sha256() {
    }

    /** This thread's digest, reset: use it and finish it ({@code digest()}) before calling anything else. */
    public static MessageDigest digest() {
        MessageDigest md = DIGEST.get();
        md.reset();
        return md;
    }

    /** SHA-256 of the UTF-8 bytes of {@code s}, in lower-case hex. */
    public static String hex(String s) {
        return HexFormat.of().formatHex(digest().digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
