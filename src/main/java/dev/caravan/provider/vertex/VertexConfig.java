package dev.caravan.provider.vertex;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.auth.oauth2.GoogleCredentials;

import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ModelPatterns;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.anthropic.AnthropicSettings;
import dev.caravan.provider.gemini.GeminiSettings;

/**
 * The Vertex AI provider's settings: project, location, and OAuth access tokens from google-auth-library — a
 * service-account key file ({@code .credentials-file}), else Application Default Credentials
 * ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's user credentials, the GCE/GKE/Cloud Run metadata server).
 * The library caches the token and refreshes it before it expires. Properties {@code caravan.provider.vertex.project}
 * (else {@code GOOGLE_CLOUD_PROJECT}), {@code .location} (default {@code us-central1}), {@code .credentials-file},
 * {@code .base-url} (default {@code https://<location>-aiplatform.googleapis.com}, or
 * {@code https://aiplatform.googleapis.com} for {@code global}).
 */
public class VertexConfig extends ProviderConfig {

    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    private String project;
    private String location = "us-central1";
    private String anthropicVersion = "vertex-2023-10-16";
    private String claudeModels = "claude*";
    private GoogleCredentials credentials;
    private String credentialsFile;
    private GeminiSettings geminiSettings;
    private AnthropicSettings anthropicSettings;
    private ModelPatterns claude;

    public VertexConfig() {
        setKeyRequired(false);
    }

    @Override
    protected void initProvider() {
        String prefix = "caravan.provider." + name() + ".";
        project = prop(prefix + "project").or(() -> Optional.ofNullable(blankToNull(project)))
                .or(() -> Optional.ofNullable(blankToNull(getCamelContext()
                        .resolvePropertyPlaceholders("{{env:GOOGLE_CLOUD_PROJECT:}}")))).orElse(null);
        location = prop(prefix + "location").orElse(location);
        if (!location.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("location must look like us-central1 or global, got '" + location + "'");
        }
        anthropicVersion = prop(prefix + "anthropic-version").orElse(anthropicVersion);
        claude = ModelPatterns.parse(prop(prefix + "claude-models").orElse(claudeModels));
        defaultBaseUrl("global".equals(location) ? "https://aiplatform.googleapis.com"
                : "https://" + location + "-aiplatform.googleapis.com");
        geminiSettings = new GeminiSettings(ModelPatterns.parse("gemini-3*"), ModelPatterns.parse("gemini-3*"));
        anthropicSettings = new AnthropicSettings(4096, ModelPatterns.parse(
                "claude-opus-4-7*,claude-opus-4-8*,claude-opus-5*,claude-sonnet-5*,claude-haiku-5*"));
        credentialsFile = prop(prefix + "credentials-file").orElse(null);
    }

    /** Loaded on first use, so a gateway that does not call Vertex never probes for Google credentials. */
    private synchronized GoogleCredentials credentials() {
        if (credentials == null) {
            credentials = load(credentialsFile);
        }
        if (credentials == null) {
            throw new ProviderUnavailable(name(), ProviderUnavailable.Reason.NOT_CONFIGURED, 0, null,
                    "no Google credentials: set caravan.provider." + name() + ".credentials-file or "
                            + "GOOGLE_APPLICATION_CREDENTIALS, or run where a metadata server answers");
        }
        return credentials;
    }

    /** Scoped credentials from a service-account (or other) key file, else Application Default Credentials. */
    static GoogleCredentials load(String file) {
        try {
            if (file != null) {
                try (InputStream in = new FileInputStream(file)) {
                    return GoogleCredentials.fromStream(in).createScoped(List.of(SCOPE));
                }
            }
            return GoogleCredentials.getApplicationDefault().createScoped(List.of(SCOPE));
        } catch (IOException e) {
            return null; // not configured: calls answer 503 naming the settings
        }
    }

    @Override
    public boolean configured() {
        return super.configured() && project != null;
    }

    @Override
    public String keyHint() {
        return "caravan.provider." + name() + ".project (or GOOGLE_CLOUD_PROJECT) and credentials "
                + "(caravan.provider." + name() + ".credentials-file, GOOGLE_APPLICATION_CREDENTIALS or a metadata server)";
    }

    /** {@code Authorization: Bearer <token>}, refreshed by google-auth-library before it expires. */
    public Map<String, String> authHeaders(URI uri) {
        try {
            return bearer(credentials(), uri);
        } catch (ProviderUnavailable e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ProviderUnavailable(name(), ProviderUnavailable.Reason.CONNECTION, 0, null,
                    "could not obtain a Google access token");
        }
    }

    /** The Authorization header google-auth-library gives for {@code uri} (cached; refreshed near expiry). */
    static Map<String, String> bearer(GoogleCredentials credentials, URI uri) throws IOException {
        Map<String, List<String>> md = credentials.getRequestMetadata(uri);
        List<String> auth = md.get("Authorization");
        if (auth == null || auth.isEmpty()) {
            throw new IOException("no Authorization metadata");
        }
        return Map.of("authorization", auth.get(0));
    }

    /** {@code /v1/projects/{p}/locations/{l}/publishers/{publisher}/models/{model}:{method}}. */
    String modelPath(String publisher, String model, String method) {
        return "/v1/projects/" + project + "/locations/" + location + "/publishers/" + publisher + "/models/"
                + java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8).replace("%40", "@")
                + ":" + method;
    }

    boolean isClaude(String model) {
        return claude.matches(model);
    }

    String anthropicVersion() {
        return anthropicVersion;
    }

    GeminiSettings geminiSettings() {
        return geminiSettings;
    }

    AnthropicSettings anthropicSettings() {
        return anthropicSettings;
    }

    public void setProject(String project) {
        this.project = project;
    }

    public void setLocation(String location) {
        this.location = location;
    }

    public void setAnthropicVersion(String anthropicVersion) {
        this.anthropicVersion = anthropicVersion;
    }

    public void setClaudeModels(String claudeModels) {
        this.claudeModels = claudeModels;
    }
}
