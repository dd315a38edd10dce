package dev.caravan.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The name of this replica ({@code caravan.replica.id}): the configured value, else the host name (a container's
 * host name is its id, a pod's is its name), else {@code replica-} and 8 random hex digits, fixed for the process.
 */
public final class ReplicaId {

    private ReplicaId() {
    }

    public static String resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException | RuntimeException e) {
                host = null;
            }
        }
        if (host != null && !host.isBlank() && !host.equals("localhost")) {
            return host.trim();
        }
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return "replica-" + HexFormat.of().formatHex(b);
    }
}
