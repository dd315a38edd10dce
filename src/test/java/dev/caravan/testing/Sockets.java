package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kernel says about TCP sockets of this host (Linux {@code /proc/net/tcp}, {@code tcp6}). */
public final class Sockets {

    private Sockets() {
    }

    /**
     * Sockets whose local port is {@code port} and that are still open at this end: ESTABLISHED, or CLOSE_WAIT (the
     * peer closed and this end never did: the classic leak). Listening sockets and TIME_WAIT are not counted.
     */
    public static int openOnLocalPort(int port) {
        return count(port, 1);
    }

    /** Sockets connected to {@code port} (this host's clients of a local server), ESTABLISHED or CLOSE_WAIT. */
    public static int openToRemotePort(int port) {
        return count(port, 2);
    }

    private static int count(int port, int column) {
        String hexPort = String.format(":%04X", port);
        int n = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(file);
            if (!Files.exists(p)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[column].endsWith(hexPort) && (f[3].equals("01") || f[3].equals("08"))) {
                        n++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return n;
    }

    /** True when the socket table can be read (Linux). */
    public static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }
}
