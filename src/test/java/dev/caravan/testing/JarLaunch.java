package dev.caravan.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarFile;

import dev.caravan.http.ServerChannelHook;

/**
 * How the ITs start the packaged jar in a process of its own so that its replies are recorded for the secrets
 * scan like those of the in-process gateways: the jar's own {@code Main-Class} (read from its manifest, as
 * {@code java -jar} does) on a class path of the jar plus a directory holding only {@link ResponseRecorder} and
 * its service registration, with the recording directory given as an absolute path (the processes run in a
 * temporary working directory). {@code java -jar} itself is exercised by EntrypointIT (docker/caravan.sh).
 */
public final class JarLaunch {

    private static final Path JAR = Path.of("target/caravan.jar").toAbsolutePath();
    private static final Path HOOK = Path.of("target/reply-recorder-hook").toAbsolutePath();

    private JarLaunch() {
    }

    /** The arguments that follow the JVM options: recording directory, class path, main class. */
    public static List<String> jarWithReplyRecorder() {
        return List.of("-Dcaravan.test.responses=" + ResponseRecorder.directory().toAbsolutePath(),
                "-cp", JAR + File.pathSeparator + hookDirectory(), mainClass());
    }

    static String mainClass() {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Path hookDirectory() {
        try {
            Path classes = Path.of(ResponseRecorder.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            Path pkg = Path.of("dev", "caravan", "testing");
            Files.createDirectories(HOOK.resolve(pkg));
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(classes.resolve(pkg), "ResponseRecorder*.class")) {
                for (Path c : ds) {
                    Files.copy(c, HOOK.resolve(pkg).resolve(c.getFileName().toString()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path services = Files.createDirectories(HOOK.resolve("META-INF/services"));
            Files.writeString(services.resolve(ServerChannelHook.class.getName()),
                    ResponseRecorder.class.getName() + "\n");
            return HOOK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
