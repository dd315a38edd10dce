package dev.caravan.gateway;

/** Message headers the routes use to pass routing decisions (set by the router, read by provider routes). */
public final class RouteHeaders {

    /** The provider route to call: {@code direct:provider.<value>.chat}. */
    public static final String PROVIDER = "CaravanProvider";

    /** The model id as the provider knows it (without Caravan's {@code provider/} prefix). */
    public static final String MODEL = "CaravanModel";

    /** The deployment an attempt runs under (set by the deployment on its copy of the exchange). */
    public static final String DEPLOYMENT = "CaravanDeployment";

    /** Per-attempt bound (ms) a deployment sets for the provider call; providers use min(own timeout, this). */
    public static final String TIMEOUT_MS = "CaravanTimeoutMs";

    /**
     * Routing facts set by requestFacts for route.chat's content-based router. The model asked for is a header
     * too: {@code ${header.CaravanModelAsked}} is a map lookup, where {@code ${body.model}} is an OGNL call through
     * Camel's bean language (~15 times the time and ~3.6 KB of garbage per test).
     */
    public static final String MODEL_ASKED = "CaravanModelAsked";
    public static final String TASK = "CaravanTask";
    public static final String PROMPT_TOKENS = "CaravanPromptTokens";
    public static final String TENANT = "CaravanTenant";
    public static final String KEY_ID = "CaravanKeyId";
    public static final String HAS_IMAGES = "CaravanHasImages";
    public static final String HAS_TOOLS = "CaravanHasTools";
    public static final String STREAM = "CaravanStream";
    /** The API the client called: chat, embeddings, messages, responses (a router branch may decide on it). */
    public static final String ENDPOINT = "CaravanEndpoint";

    private RouteHeaders() {
    }
}
