package dev.caravan.provider;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;

import dev.caravan.error.ProviderUnavailable;
import dev.caravan.support.Secrets;

/**
 * What every provider route needs to know about its provider: name, base URL, key, timeouts and the models it
 * lists. Created as a bean by the provider's route file (a template bean for OpenAI-compatible providers, a
 * {@code beans:} entry for native ones) with {@code initMethod: init}; as the first step of the route it marks the
 * exchange with itself ({@link #PROPERTY}) so the shared steps after it know whom they serve.
 *
 * <p>Properties win over route-file parameters, so a deployment can point any provider elsewhere without touching
 * route files: {@code caravan.provider.<name>.base-url}, {@code .api-key}, {@code .timeout-ms},
 * {@code .stream-idle-timeout-ms}. Without a key property the key comes from the {@code apiKey} parameter, then from
 * the environment variable {@code <NAME>_API_KEY} (or {@code keyEnv}).
 */
public class ProviderConfig implements Processor, ProviderDescriptor, CamelContextAware {

    public static final String PROPERTY = "caravan.provider";

    private CamelContext camelContext;
    private String provider;
    private String baseUrl;
    private String apiKey;
    private String keyEnv;
    private boolean keyRequired = true;
    private String models;
    private String embeddingModels;

    private String resolvedBase;
    private String resolvedKey;
    private List<String> modelList = List.of();
    private List<String> embeddingModelList = List.of();
    private Duration timeout;
    private Duration idle;

    /** Resolves properties, validates and registers the provider; an exception fails the route (file rejected). */
    public void init() {
        if (provider == null || !provider.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("provider name must match [a-z0-9][a-z0-9_-]*, got '" + provider + "'");
        }
        String prefix = "caravan.provider." + provider + ".";
        resolvedBase = prop(prefix + "base-url").orElse(blankToNull(baseUrl));
        if (resolvedBase != null) {
            resolvedBase = resolvedBase.endsWith("/") ? resolvedBase.substring(0, resolvedBase.length() - 1)
                    : resolvedBase;
            String scheme = URI.create(resolvedBase + "/").getScheme(); // fails fast on a malformed URL
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                resolvedBase = null; // e.g. Azure without AZURE_OPENAI_ENDPOINT: not configured
            }
        }
        String env = blankToNull(keyEnv) != null ? keyEnv.trim()
                : provider.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
        keyEnv = env;
        resolvedKey = prop(prefix + "api-key").or(() -> Optional.ofNullable(blankToNull(apiKey)))
                .or(() -> Optional.ofNullable(blankToNull(
                        camelContext.resolvePropertyPlaceholders("{{env:" + env + ":}}"))))
                .orElse(null);
        Secrets.register(resolvedKey);
        timeout = Duration.ofMillis(prop(prefix + "timeout-ms").or(() -> prop("caravan.upstream.timeout-ms"))
                .map(Long::parseLong).orElse(120_000L));
        idle = Duration.ofMillis(prop(prefix + "stream-idle-timeout-ms")
                .or(() -> prop("caravan.upstream.stream-idle-timeout-ms")).map(Long::parseLong).orElse(60_000L));
        modelList = list(models);
        embeddingModelList = list(embeddingModels);
        initProvider();
        ProviderRegistry registry = camelContext.getRegistry().findSingleByType(ProviderRegistry.class);
        if (registry != null) {
            registry.register(this);
        }
    }

    private static List<String> list(String csv) {
        List<String> ms = new ArrayList<>();
        if (csv != null) {
            for (String m : csv.split(",")) {
                if (!m.isBlank()) {
                    ms.add(m.trim());
                }
            }
        }
        return List.copyOf(ms);
    }

    /** Subclasses validate and prepare their own parameters here (after the common ones are resolved). */
    protected void initProvider() {
    }

    /** For providers whose address derives from other settings (e.g. a region): used when no base URL was set. */
    protected void defaultBaseUrl(String url) {
        if (resolvedBase == null && url != null) {
            resolvedBase = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
    }

    /** A property value, trimmed; empty when unset or blank. */
    protected Optional<String> prop(String key) {
        PropertiesComponent pc = camelContext.getPropertiesComponent();
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    protected static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
    }

    /** Throws the 503 that names the missing setting when the provider cannot be called. */
    public void requireConfigured() {
        if (!configured()) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.NOT_CONFIGURED, 0, null,
                    "set " + keyHint());
        }
    }

    public String baseUrl() {
        return resolvedBase;
    }

    /** The provider key; never log it or put it in an exception message. */
    public String key() {
        return resolvedKey;
    }

    public Duration timeout() {
        return timeout;
    }

    /** This attempt's bound: the provider's timeout, or less when a deployment set {@code CaravanTimeoutMs}. */
    public Duration timeoutFor(Exchange exchange) {
        Long ms = exchange.getMessage().getHeader(dev.caravan.gateway.RouteHeaders.TIMEOUT_MS, Long.class);
        return ms != null && ms > 0 && ms < timeout.toMillis() ? Duration.ofMillis(ms) : timeout;
    }

    public Duration idle() {
        return idle;
    }

    // ---- ProviderDescriptor ----

    @Override
    public String name() {
        return provider;
    }

    @Override
    public List<String> models() {
        return modelList;
    }

    @Override
    public List<String> embeddingModels() {
        return embeddingModelList;
    }

    @Override
    public boolean configured() {
        return resolvedBase != null && (!keyRequired || resolvedKey != null);
    }

    @Override
    public String keyHint() {
        if (resolvedBase == null) {
            return "caravan.provider." + provider + ".base-url";
        }
        return keyEnv + " (or caravan.provider." + provider + ".api-key)";
    }

    // ---- parameters ----

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setProvider(String provider) {
        this.provider = provider;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public void setKeyEnv(String keyEnv) {
        this.keyEnv = keyEnv;
    }

    public void setKeyRequired(boolean keyRequired) {
        this.keyRequired = keyRequired;
    }

    public void setModels(String models) {
        this.models = models;
    }

    public void setEmbeddingModels(String embeddingModels) {
        this.embeddingModels = embeddingModels;
    }

    @Override
    public String toString() {
        // never the key, never the URL (some providers put keys in query strings)
        return getClass().getSimpleName() + "[" + provider + "]";
    }
}
