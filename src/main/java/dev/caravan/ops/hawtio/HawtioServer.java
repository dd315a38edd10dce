package dev.caravan.ops.hawtio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javax.security.auth.login.Configuration;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Hawtio's WAR (shipped in the jar as {@code hawtio/hawtio.war}) in an embedded Jetty 12 on a loopback port. The
 * admin plane proxies {@code /hawtio} to it, so the console is reached on the admin port.
 *
 * <p>The web app loads classes parent-first: Hawtio logs through Caravan's logback (secrets scrubbed) and shares
 * its Jackson; only what the gateway lacks comes from the WAR. Authentication is Hawtio's own (JAAS realm
 * {@code caravan}, role {@code admin}), fed by {@link HawtioLoginModule}.
 */
final class HawtioServer {

    static final String WAR_RESOURCE = "hawtio/hawtio.war";
    static final String REALM = "caravan";

    private final Server server;
    private final Path workDir;

    private HawtioServer(Server server, Path workDir) {
        this.server = server;
        this.workDir = workDir;
    }

    static boolean bundled() {
        return HawtioServer.class.getClassLoader().getResource(WAR_RESOURCE) != null;
    }

    static HawtioServer start(String host, int port, HawtioAccounts accounts) throws Exception {
        configureHawtio();
        Path work = Files.createTempDirectory("caravan-hawtio");
        Path war = work.resolve("hawtio.war");
        try (InputStream in = HawtioServer.class.getClassLoader().getResourceAsStream(WAR_RESOURCE)) {
            if (in == null) {
                throw new IOException(WAR_RESOURCE + " is not in the jar");
            }
            Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
        }
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("hawtio");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // redirects must not name the internal port: the browser talks to the admin port
        http.setRelativeRedirectAllowed(true);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/hawtio");
        webapp.setWar(war.toString());
        webapp.setTempDirectory(work.resolve("webapp").toFile());
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.start();
        useLogin(webapp, HawtioLoginModule.configuration(REALM, accounts));
        return new HawtioServer(server, work);
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    void stop() throws Exception {
        try {
            server.stop();
        } finally {
            deleteTree(workDir);
        }
    }

    /** Hawtio reads its settings from system properties named hawtio.*: authentication is always on. */
    private static void configureHawtio() {
        System.setProperty("hawtio.authenticationEnabled", "true");
        System.setProperty("hawtio.realm", REALM);
        System.setProperty("hawtio.roles", HawtioAccounts.ROLE);
        System.setProperty("hawtio.rolePrincipalClasses", HawtioRole.class.getName());
        System.setProperty("hawtio.noCredentials401", "true");
        System.setProperty("hawtio.authenticationContainerDiscoveryClasses", "");
        // the console manages this JVM only; no proxying to other Jolokia agents
        System.setProperty("hawtio.disableProxy", "true");
    }

    /** Hands the login configuration to Hawtio's authentication (no JVM-wide JAAS configuration is touched). */
    private static void useLogin(WebAppContext webapp, Configuration jaas) throws ReflectiveOperationException {
        Object auth = webapp.getServletContext().getAttribute("authenticationConfig");
        if (auth == null) {
            throw new IllegalStateException("Hawtio did not initialise its authentication");
        }
        auth.getClass().getMethod("setConfiguration", Configuration.class).invoke(auth, jaas);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
