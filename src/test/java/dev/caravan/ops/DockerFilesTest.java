package dev.caravan.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose file is valid for the Compose client found here ({@code docker compose}, else {@code docker-compose});
 * the test is skipped when neither is installed. No engine is needed: {@code config} only parses and resolves.
 */
class DockerFilesTest {

    static List<String> composeCommand() {
        for (List<String> cmd : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            try {
                List<String> version = new ArrayList<>(cmd);
                version.add("version");
                Process p = new ProcessBuilder(version).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return cmd;
                }
            } catch (IOException e) {
                // not installed: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return null;
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void composeFileIsValidAndHasTheScaledOutServices() throws Exception {
        List<String> compose = composeCommand();
        Assumptions.assumeTrue(compose != null, "no docker compose client installed");
        List<String> config = new ArrayList<>(compose);
        config.addAll(List.of("-f", "docker/compose.yaml", "--profile", "monitoring", "config"));
        String resolved = run(config);
        List<String> services = new ArrayList<>(compose);
        services.addAll(List.of("-f", "docker/compose.yaml", "--profile", "monitoring", "config", "--services"));
        assertThat(run(services).lines().map(String::trim).toList())
                .contains("caravan-1", "caravan-2", "nginx", "redis", "postgres", "prometheus", "grafana");
        assertThat(resolved).contains("/etc/caravan", "/var/lib/caravan/data", "CARAVAN_ADMIN_HOST");
        // nothing secret is written in the file: keys are references to the caller's environment
        assertThat(Files.readString(Path.of("docker/compose.yaml"))).doesNotContainPattern("sk-[A-Za-z0-9]{8,}");
    }

    @Test
    void imageRunsAsNonRootWithConfigDataAndHealthCheck() throws IOException {
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertThat(dockerfile).contains("FROM maven:", "AS build", "FROM eclipse-temurin:17-jre", "USER caravan",
                "VOLUME [\"/var/lib/caravan/data\"]", "CARAVAN_CONFIG_DIR=/etc/caravan", "HEALTHCHECK",
                "caravan.sh\", \"health\"]");
        assertThat(Files.isExecutable(Path.of("docker/caravan.sh"))).isTrue();
    }
}
