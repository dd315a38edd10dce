package dev.caravan.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's start script (docker/caravan.sh) against the built jar, outside Docker: it starts the gateway with
 * the mounted config directory and keys from files, the health probe follows readiness, and SIGTERM stops it.
 */
class EntrypointIT {

    static final String FILE_KEY = "sk-upstream-entrypoint-filekey-13579";
    static final String GATEWAY_KEY = "sk-cvn-entrypoint-gatewaykey-97531";
    static final Path SCRIPT = Path.of("docker/caravan.sh").toAbsolutePath();

    private Process gateway;
    private StubUpstream stub;

    @AfterEach
    void stop() throws Exception {
        if (stub != null) {
            stub.close();
        }
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    ProcessBuilder script(String command, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString(), command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb;
    }

    int health(Map<String, String> env) throws Exception {
        Process p = script("health", env, Files.createTempFile("health", ".log")).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void startsFromTheMountedConfigAndStopsOnSigterm() throws Exception {
        Path config = Files.createTempDirectory("etc-caravan");
        GatewayTestSupport.copyTree(Path.of("config"), config);
        int apiPort = GatewayTestSupport.freePort();
        int adminPort = GatewayTestSupport.freePort();
        stub = new StubUpstream();
        stub.always((req, reply) -> reply.json(200, """
                {"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                 "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"""));
        Files.writeString(config.resolve("application.properties"), """
                caravan.api.host = 127.0.0.1
                caravan.api.port = %d
                caravan.reload.enabled = false
                caravan.provider.openai.base-url = %s/openai
                """.formatted(apiPort, stub.baseUrl()));
        Path keyFile = Files.createTempFile("openai", ".key");
        Files.writeString(keyFile, FILE_KEY);
        Path jarDir = Path.of("target").toAbsolutePath();
        assertThat(jarDir.resolve("caravan.jar")).exists();
        Map<String, String> env = Map.of("CARAVAN_HOME", jarDir.toString(), "CARAVAN_CONFIG_DIR", config.toString(),
                "CARAVAN_ADMIN_PORT", Integer.toString(adminPort), "OPENAI_API_KEY_FILE", keyFile.toString(),
                "JAVA_OPTS", "-Xmx256m -XX:+ExitOnOutOfMemoryError", "CARAVAN_API_KEY", GATEWAY_KEY);

        assertThat(health(env)).as("nothing listens yet").isNotZero();
        // kept with the run's logs: the log secrecy check reads it
        Path log = Files.createDirectories(Path.of("target/test-logs")).resolve("entrypoint-gateway.log");
        gateway = script("run", env, log).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (health(env) != 0) {
            assertThat(gateway.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("ready within 90 s").isLessThan(deadline);
            Thread.sleep(250);
        }
        // exec: the script's process is the JVM itself, so it receives the container's signals
        assertThat(gateway.info().command().orElse("")).endsWith(File.separator + "java");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/ready?full")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        // the config directory's own application.properties was applied (API port) and the key file was read
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + apiPort + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GATEWAY_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(stub.lastRequest().header("authorization")).isEqualTo("Bearer " + FILE_KEY);
        // this gateway runs `java -jar` through the entrypoint (no reply recorder): its replies are checked here
        for (HttpResponse<String> r : List.of(ready, chat)) {
            assertThat(r.headers().map() + r.body()).doesNotContain(FILE_KEY).doesNotContain(GATEWAY_KEY);
        }

        gateway.destroy(); // SIGTERM
        assertThat(gateway.waitFor(45, TimeUnit.SECONDS)).as("graceful stop").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output).contains("is shutting down").doesNotContain(FILE_KEY);
    }

    @Test
    void anUnreadableKeyFileStopsTheStart() throws Exception {
        Path log = Files.createTempFile("caravan", ".log");
        Process p = script("run", Map.of("CARAVAN_HOME", "target", "OPENAI_API_KEY_FILE", "/nonexistent/key"), log)
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(64);
        assertThat(Files.readString(log)).contains("OPENAI_API_KEY_FILE").doesNotContain("Apache Camel");
    }

    @Test
    void unknownCommandsAreRefused() throws Exception {
        Process p = script("frobnicate", Map.of(), Files.createTempFile("caravan", ".log")).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(64);
    }
}
