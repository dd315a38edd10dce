package dev.caravan.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import dev.caravan.CaravanConfiguration;
import dev.caravan.api.Json;
import org.apache.camel.test.main.junit5.CamelMainTest;

/**
 * Boots the real gateway (Camel Main, the built-in YAML routes, a copy of the shipped config/ directory) once per
 * test class, with every provider's base URL pointed at one {@link StubUpstream} on a free port. Tests talk to the
 * gateway over real HTTP.
 */
@CamelMainTest(configurationClasses = CaravanConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayTestSupport {

    public static final String KEY = "sk-cvn-test-gatewaykey-0123456789";
    public static final String PROVIDER_KEY = "sk-upstream-test-providerkey-9876543210";
    public static final String ADMIN_KEY = "test-admin-key-5f3a9c";
    public static final List<String> PROVIDERS = List.of("openai", "azure", "mistral", "deepseek", "qwen", "groq",
            "together", "fireworks", "xai", "openrouter", "ollama", "vllm", "anthropic", "gemini");

    protected final StubUpstream stub;
    protected final int port;
    protected final int adminPort;
    protected final Path configDir;
    protected final Path dataDir;
    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> setProperties = new ArrayList<>();

    protected GatewayTestSupport() {
        try {
            stub = new StubUpstream();
            port = freePort();
            adminPort = freePort();
            configDir = Files.createTempDirectory("caravan-config");
            copyTree(Path.of("config"), configDir);
            prepareConfig(configDir);
            dataDir = Files.createTempDirectory("caravan-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        set("caravan.api.port", Integer.toString(port));
        set("caravan.admin.port", Integer.toString(adminPort));
        set("caravan.data.dir", dataDir.toString());
        set("caravan.admin.key", ADMIN_KEY);
        set("caravan.api.host", "127.0.0.1");
        set("caravan.config.dir", configDir.toString());
        set("caravan.keys.test", KEY);
        set("caravan.upstream.timeout-ms", "3000");
        set("caravan.upstream.stream-idle-timeout-ms", "3000");
        for (String p : PROVIDERS) {
            set("caravan.provider." + p + ".base-url", stub.baseUrl() + "/" + p);
            set("caravan.provider." + p + ".api-key", PROVIDER_KEY);
        }
        properties().forEach(this::set);
    }

    /** Lets a test class change its copy of config/ (e.g. its own routing file) before the gateway starts. */
    protected void prepareConfig(Path dir) throws IOException {
    }

    /** Extra system properties for a test class, set before the gateway starts. */
    protected Map<String, String> properties() {
        return Map.of();
    }

    private void set(String k, String v) {
        System.setProperty(k, v);
        setProperties.add(k);
    }

    @AfterAll
    void cleanUp() throws IOException {
        setProperties.forEach(System::clearProperty);
        stub.close();
    }

    // ---- HTTP helpers ----

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** An address on the admin plane (health, metrics, console, admin API). */
    public URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    public HttpResponse<String> adminGet(String path) {
        return send(HttpRequest.newBuilder(adminUri(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> chat(String json) {
        return post("/v1/chat/completions", json);
    }

    public HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One SSE line received by the client, with its arrival time. */
    public record Line(String text, long atNanos) {
    }

    /** Streams a chat request and returns every non-empty line as it arrived. */
    public StreamResult stream(String json) {
        HttpRequest req = HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            List<Line> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    if (!l.isEmpty()) {
                        lines.add(new Line(l, System.nanoTime()));
                    }
                }
            }
            return new StreamResult(resp, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record StreamResult(HttpResponse<InputStream> response, List<Line> lines) {
        /** The JSON payloads of the {@code data:} lines, {@code [DONE]} excluded. */
        public List<JsonNode> events() {
            List<JsonNode> out = new ArrayList<>();
            for (Line l : lines) {
                if (l.text().startsWith("data: ") && !l.text().equals("data: [DONE]")) {
                    out.add(json(l.text().substring(6)));
                }
            }
            return out;
        }

        public boolean endsWithDone() {
            return !lines.isEmpty() && lines.get(lines.size() - 1).text().equals("data: [DONE]");
        }
    }

    public static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- utilities ----

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
