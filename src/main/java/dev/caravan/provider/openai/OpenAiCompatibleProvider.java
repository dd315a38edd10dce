package dev.caravan.provider.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.caravan.provider.ProviderConfig;

/**
 * One OpenAI-compatible provider, created per {@code templatedRoute} of the {@code openai-compatible} template:
 * the common provider settings ({@link ProviderConfig}) plus how to authenticate, where the chat path is, and the
 * provider's quirks as data ({@link OpenAiQuirks}).
 */
public class OpenAiCompatibleProvider extends ProviderConfig {

    private String authHeader = "Authorization";
    private String authScheme = "Bearer";
    private String chatPath = "/chat/completions";
    private String embeddingsPath = "/embeddings";
    private String responsesPath;
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

    private String tokenUrl;
    private String tokenScope;
    private String clientId;
    private String clientSecret;
    private String tenantId;
    private String errorCodes;

    private Map<String, String> fixedHeaders;
    private Map<String, String> errorCodeMap;
    private dev.caravan.provider.oauth.ClientCredentialsTokens tokens;
    private OpenAiQuirks quirks;

    @Override
    protected void initProvider() {
        if ("none".equalsIgnoreCase(blankToNull(authScheme))) {
            authScheme = null;
        }
        fixedHeaders = new LinkedHashMap<>(OpenAiQuirks.pairs(headers, ";"));
        quirks = new OpenAiQuirks(dropParams, renameParams, mapValues, setParams, roleMap, finishReasons, toolCallIds,
                assistantPrefix, streamUsage);
        errorCodeMap = Map.copyOf(OpenAiQuirks.pairs(errorCodes, ","));
        tokens = key() == null ? tokens() : null;
    }

    /**
     * OAuth2 client credentials (e.g. Entra ID for Azure OpenAI), used when no key is set and the route gives a
     * {@code tokenUrl} and {@code tokenScope}: properties {@code caravan.provider.<p>.client-id},
     * {@code .client-secret}, {@code .tenant-id} win over the parameters; {@code {tenant}} in the URL is replaced.
     */
    private dev.caravan.provider.oauth.ClientCredentialsTokens tokens() {
        String prefix = "caravan.provider." + name() + ".";
        String url = prop(prefix + "token-url").orElse(blankToNull(tokenUrl));
        String scope = prop(prefix + "token-scope").orElse(blankToNull(tokenScope));
        String id = prop(prefix + "client-id").orElse(blankToNull(clientId));
        String secret = prop(prefix + "client-secret").orElse(blankToNull(clientSecret));
        String tenant = prop(prefix + "tenant-id").orElse(blankToNull(tenantId));
        if (url == null || scope == null || id == null || secret == null
                || url.contains("{tenant}") && tenant == null) {
            return null;
        }
        if (tenant != null) {
            url = url.replace("{tenant}", java.net.URLEncoder.encode(tenant, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new dev.caravan.provider.oauth.ClientCredentialsTokens(name(), java.net.URI.create(url), id, secret,
                scope, TOKEN_HTTP, java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(5),
                java.time.Duration.ofSeconds(10));
    }

    private static final java.net.http.HttpClient TOKEN_HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(10)).build();

    @Override
    public boolean configured() {
        return super.configured() || baseUrl() != null && tokens != null;
    }

    @Override
    public String keyHint() {
        return super.keyHint() + (blankToNull(tokenUrl) != null
                ? ", or caravan.provider." + name() + ".client-id/.client-secret/.tenant-id" : "");
    }

    /** The authorisation headers of one request: the key in authHeader, else a client-credentials bearer token. */
    Map<String, String> authHeaders() {
        if (key() != null) {
            return Map.of(authHeader, authScheme == null || authScheme.isBlank() ? key() : authScheme.trim() + " "
                    + key());
        }
        return tokens == null ? Map.of() : Map.of("Authorization", "Bearer " + tokens.token());
    }

    /** Upstream error codes renamed for the client (Azure's content_filter -> content_policy_violation). */
    Map<String, String> errorCodes() {
        return errorCodeMap;
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

    /** Path of the embeddings API after baseUrl ({@code {model}} replaced); null: the provider has none. */
    String embeddingsPath() {
        String p = blankToNull(embeddingsPath);
        return p == null || "none".equalsIgnoreCase(p) ? null : p;
    }

    /**
     * Path of the OpenAI Responses API after baseUrl ({@code {model}} replaced); null: the provider has none and
     * POST /v1/responses is served through the Chat Completions translation.
     */
    public String responsesPath() {
        String p = blankToNull(responsesPath);
        return p == null || "none".equalsIgnoreCase(p) ? null : p;
    }

    String modelPrefix() {
        return blankToNull(modelPrefix);
    }

    Map<String, String> fixedHeaders() {
        return fixedHeaders;
    }

    OpenAiQuirks quirks() {
        return quirks;
    }

    public void setTokenUrl(String tokenUrl) {
        this.tokenUrl = tokenUrl;
    }

    public void setTokenScope(String tokenScope) {
        this.tokenScope = tokenScope;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public void setErrorCodes(String errorCodes) {
        this.errorCodes = errorCodes;
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

    public void setEmbeddingsPath(String embeddingsPath) {
        this.embeddingsPath = embeddingsPath;
    }

    public void setResponsesPath(String responsesPath) {
        this.responsesPath = responsesPath;
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
}
