package dev.caravan.ops.hawtio;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.caravan.support.Secrets;
import dev.caravan.support.Sha256;

/**
 * Who may log in to the console: the admin user with the admin key as password ({@code caravan.admin.key}), and
 * optionally one configured user ({@code caravan.hawtio.user} / {@code caravan.hawtio.password}). Only SHA-256
 * digests are kept and compared in constant time; every account has the role {@link #ROLE}.
 */
public final class HawtioAccounts {

    public static final String ROLE = "admin";

    private final Map<String, byte[]> digests = new LinkedHashMap<>();

    /** Adds an account; a blank user or password is ignored (no account without a secret). */
    public HawtioAccounts add(String user, String password) {
        if (user != null && !user.isBlank() && password != null && !password.isBlank()) {
            Secrets.register(password.trim());
            digests.put(user.trim(), digest(password.trim().toCharArray()));
        }
        return this;
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public boolean check(String user, char[] password) {
        if (user == null || password == null) {
            return false;
        }
        byte[] expected = digests.get(user);
        byte[] given = digest(password);
        // compare even for an unknown user, so the time does not tell which users exist
        return MessageDigest.isEqual(expected == null ? new byte[given.length] : expected, given) && expected != null;
    }

    static byte[] digest(char[] password) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] raw = Arrays.copyOf(bytes.array(), bytes.limit());
        byte[] d = Sha256.digest().digest(raw);
        Arrays.fill(raw, (byte) 0);
        return d;
    }
}
