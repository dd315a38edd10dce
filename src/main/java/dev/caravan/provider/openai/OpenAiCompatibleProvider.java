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

    private Map<String, String> fixedHeaders;
    private OpenAiQuirks quirks;

    @Override
    protected void initProvider() {
        if ("none".equalsIgnoreCase(blankToNull(authScheme))) {
            authScheme = null;
        }
        fixedHeaders = new LinkedHashMap<>(OpenAiQuirks.pairs(headers, ";"));
        quirks = new OpenAiQuirks(dropParams, renameParams, mapValues, setParams, roleMap, finishReasons, toolCallIds,
                assistantPrefix, streamUsage);
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
