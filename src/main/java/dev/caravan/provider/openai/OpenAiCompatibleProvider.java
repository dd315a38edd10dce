package dev.caravan.provider.openai;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;

import dev.caravan.provider.ProviderDescriptor;
import dev.caravan.provider.ProviderRegistry;
import dev.caravan.support.Secrets;

/**
 * One OpenAI-compatible provider, created per {@code templatedRoute} of the {@code openai-compatible} template
 * (its parameters are the setters below). As a route step it only marks the exchange with itself, so the shared
 * translators downstream know which provider they serve.
 *
 * <p>Properties win over template parameters, so a deployment can point any provider elsewhere without touching
 * route files: {@code caravan.provider.<name>.base-url}, {@code .api-key}, {@code .timeout-ms},
 * {@code .stream-idle-timeout-ms}. Without a key property the key comes from the {@code apiKey} parameter, then
 * from the environment variable {@code <NAME>_API_KEY} (or {@code keyEnv}).
 */
public class OpenAiCompatibleProvider implements Processor, ProviderDescriptor, CamelContextAware {

    public static final String PROPERTY = "caravan.provider";

    private CamelContext camelContext;
    private String provider;
    private String baseUrl;
    private String apiKey;
    private String keyEnv;
    private boolean keyRequired = true;
    private String authHeader = "Authorization";
    private String authScheme = "Bearer";
    private String chatPath = "/chat/completions";
    private String models;
    private String modelPrefix;
    private String headers;
    private String dropParams;
    private String renameParams;
    private String mapValues;
    private String setParams;
    private String roleMap;
    private String finishReasons;
    private String toolCallIds;
    private boolean assistantPrefix;
    private boolean streamUsage = true;

    // resolved at init
    private String resolvedBase;
    private String resolvedKey;
    private Map<String, String> fixedHeaders;
    private OpenAiQuirks quirks;
    private List<String> modelList;
    private Duration timeout;
    private Duration idle;

    /** Resolves properties, validates the parameters and registers the provider; fails the route on bad input. */
    public void init() {
        if (provider == null || !provider.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("provider name must match [a-z0-9][a-z0-9_-]*, got '" + provider + "'");
        }
        String prefix = "caravan.provider." + provider + ".";
        resolvedBase = prop(prefix + "base-url").orElse(OpenAiQuirks.blankToNull(baseUrl));
        if (resolvedBase != null) {
            resolvedBase = resolvedBase.endsWith("/") ? resolvedBase.substring(0, resolvedBase.length() - 1)
                    : resolvedBase;
            String scheme = URI.create(resolvedBase + "/").getScheme(); // fails fast on a malformed URL
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                resolvedBase = null; // e.g. Azure without AZURE_OPENAI_ENDPOINT: not configured
            }
        }
        if ("none".equalsIgnoreCase(OpenAiQuirks.blankToNull(authScheme))) {
            authScheme = null;
        }
        String env = keyEnv != null && !keyEnv.isBlank() ? keyEnv.trim()
                : provider.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
        keyEnv = env;
        resolvedKey = prop(prefix + "api-key").or(() -> Optional.ofNullable(OpenAiQuirks.blankToNull(apiKey)))
                .or(() -> Optional.ofNullable(OpenAiQuirks.blankToNull(
                        camelContext.resolvePropertyPlaceholders("{{env:" + env + ":}}"))))
                .orElse(null);
        Secrets.register(resolvedKey);
        long timeoutMs = prop(prefix + "timeout-ms").or(() -> prop("caravan.upstream.timeout-ms"))
                .map(Long::parseLong).orElse(120_000L);
        long idleMs = prop(prefix + "stream-idle-timeout-ms").or(() -> prop("caravan.upstream.stream-idle-timeout-ms"))
                .map(Long::parseLong).orElse(60_000L);
        timeout = Duration.ofMillis(timeoutMs);
        idle = Duration.ofMillis(idleMs);
        fixedHeaders = new LinkedHashMap<>(OpenAiQuirks.pairs(headers, ";"));
        quirks = new OpenAiQuirks(dropParams, renameParams, mapValues, setParams, roleMap, finishReasons, toolCallIds,
                assistantPrefix, streamUsage);
        modelList = new ArrayList<>();
        if (models != null) {
            for (String m : models.split(",")) {
                if (!m.isBlank()) {
                    modelList.add(m.trim());
                }
            }
        }
        ProviderRegistry registry = camelContext.getRegistry().findSingleByType(ProviderRegistry.class);
        if (registry != null) {
            registry.register(this);
        }
    }

    private Optional<String> prop(String key) {
        PropertiesComponent pc = camelContext.getPropertiesComponent();
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
    }

    // ---- what the translators use ----

    String baseUrl() {
        return resolvedBase;
    }

    String key() {
        return resolvedKey;
    }

    String authHeader() {
        return authHeader;
    }

    String authScheme() {
        return authScheme;
    }

    String chatPath() {
        return chatPath;
    }

    String modelPrefix() {
        return modelPrefix;
    }

    Map<String, String> fixedHeaders() {
        return fixedHeaders;
    }

    OpenAiQuirks quirks() {
        return quirks;
    }

    Duration timeout() {
        return timeout;
    }

    Duration idle() {
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

    // ---- template parameters ----

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

    public void setAuthHeader(String authHeader) {
        this.authHeader = authHeader;
    }

    public void setAuthScheme(String authScheme) {
        this.authScheme = authScheme;
    }

    public void setChatPath(String chatPath) {
        this.chatPath = chatPath;
    }

    public void setModels(String models) {
        this.models = models;
    }

    public void setModelPrefix(String modelPrefix) {
        this.modelPrefix = modelPrefix;
    }

    public void setHeaders(String headers) {
        this.headers = headers;
    }

    public void setDropParams(String dropParams) {
        this.dropParams = dropParams;
    }

    public void setRenameParams(String renameParams) {
        this.renameParams = renameParams;
    }

    public void setMapValues(String mapValues) {
        this.mapValues = mapValues;
    }

    public void setSetParams(String setParams) {
        this.setParams = setParams;
    }

    public void setRoleMap(String roleMap) {
        this.roleMap = roleMap;
    }

    public void setFinishReasons(String finishReasons) {
        this.finishReasons = finishReasons;
    }

    public void setToolCallIds(String toolCallIds) {
        this.toolCallIds = toolCallIds;
    }

    public void setAssistantPrefix(boolean assistantPrefix) {
        this.assistantPrefix = assistantPrefix;
    }

    public void setStreamUsage(boolean streamUsage) {
        this.streamUsage = streamUsage;
    }

    @Override
    public String toString() {
        // never the key, never the URL (some providers put keys in query strings)
        return "OpenAiCompatibleProvider[" + provider + "]";
    }
}
