package dev.caravan.gateway;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;

import dev.caravan.auth.Authenticator;
import dev.caravan.auth.Principal;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorFormat;
import dev.caravan.error.ErrorMapper;

/**
 * The edge of the public API, first step of {@code api.http}: assigns the request id, decides the endpoint from
 * path and method (404 / 405), checks the gateway key (401) and the content type of JSON bodies (415), keeps the
 * few request headers Caravan may use, and then drops every request header from the message.
 */
public final class ApiGuard implements Processor {

    /** Exchange property naming the endpoint for the route's choice (see {@link #EXACT}). */
    public static final String ENDPOINT = "CaravanEndpoint";

    /** Exchange property holding the id in {@code /v1/models/{id}} and {@code /v1/responses/{id}}. */
    public static final String PATH_ID = ENDPOINT + ".path";

    /** Exchange property holding the request's HTTP method (the request headers are dropped). */
    public static final String METHOD = ENDPOINT + ".method";

    record Endpoint(String name, Set<String> methods, boolean auth, boolean jsonBody, ErrorFormat format) {
        Endpoint(String name, String method, boolean auth, boolean jsonBody, ErrorFormat format) {
            this(name, Set.of(method), auth, jsonBody, format);
        }
    }

    private static final Map<String, Endpoint> EXACT = Map.of(
            "/v1/chat/completions", new Endpoint("chat", "POST", true, true, ErrorFormat.OPENAI),
            "/chat/completions", new Endpoint("chat", "POST", true, true, ErrorFormat.OPENAI),
            "/v1/embeddings", new Endpoint("embeddings", "POST", true, true, ErrorFormat.OPENAI),
            "/embeddings", new Endpoint("embeddings", "POST", true, true, ErrorFormat.OPENAI),
            "/v1/messages", new Endpoint("messages", "POST", true, true, ErrorFormat.ANTHROPIC),
            "/v1/messages/count_tokens", new Endpoint("count_tokens", "POST", true, true, ErrorFormat.ANTHROPIC),
            "/v1/responses", new Endpoint("responses", "POST", true, true, ErrorFormat.OPENAI),
            "/v1/models", new Endpoint("models", "GET", true, false, ErrorFormat.OPENAI),
            "/health", new Endpoint("health", "GET", false, false, ErrorFormat.OPENAI));

    /** Paths with an id: {@code /v1/models/{id}}, {@code /v1/responses/{id}} (and its input items). */
    private static final Map<String, Endpoint> BY_PREFIX = Map.of(
            "/v1/models/", new Endpoint("model", "GET", true, false, ErrorFormat.OPENAI),
            "/v1/responses/", new Endpoint("response", Set.of("GET", "DELETE"), true, false, ErrorFormat.OPENAI));

    /** Request headers Caravan reads (lower-case). Everything else is ignored and never forwarded. */
    private static final List<String> KEPT_HEADERS = List.of("authorization", "x-api-key", "content-type",
            "anthropic-beta", "anthropic-version", "x-caravan-task", "x-caravan-tenant", "x-caravan-tags",
            "x-caravan-cache");

    private final Authenticator authenticator;
    private volatile dev.caravan.ops.otel.GatewayTracer tracer;

    public ApiGuard(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** Starts a server span per request, child of the client's traceparent (only when OpenTelemetry is on). */
    public void tracer(dev.caravan.ops.otel.GatewayTracer t) {
        this.tracer = t;
    }

    @Override
    public void process(Exchange exchange) {
        long start = System.nanoTime();
        Message in = exchange.getMessage();
        ChannelHandlerContext ctx = in.getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                ChannelHandlerContext.class);
        boolean keepAlive = !"close".equalsIgnoreCase(
                exchange.getProperty(NettyHttpConstants.CONNECTION, "", String.class));
        // the consumer does not copy the request's headers into the message (mapHeaders=false in api.camel.yaml):
        // the few Caravan reads come straight from the Netty request
        HttpRequest request = in instanceof NettyHttpMessage nm ? nm.getHttpRequest() : null;
        UnaryOperator<String> header = request != null ? name -> joined(request.headers(), name)
                : name -> in.getHeader(name, String.class);
        Map<String, String> kept = new HashMap<>(8);
        for (String h : KEPT_HEADERS) {
            String v = header.apply(h);
            if (v != null) {
                kept.put(h, v);
            }
        }
        String method = request != null ? request.method().name() : in.getHeader(Exchange.HTTP_METHOD, String.class);
        // the path percent-decoded (a model id in /v1/models/{id} may come as openai%2Fgpt-4o)
        String path = pathOf(request != null ? decodedPath(request.uri())
                : in.getHeader(Exchange.HTTP_URI, String.class));
        ChatCall call = new ChatCall(RequestIds.next(), start, ctx, keepAlive, kept);
        dev.caravan.ops.otel.GatewayTracer t = tracer;
        if (t != null && !"/health".equals(path)) {
            t.begin(call, header, method);
        }
        in.removeHeaders("*");
        exchange.setProperty(ChatCall.PROPERTY, call);

        Endpoint ep = EXACT.get(path);
        if (ep == null) {
            for (Map.Entry<String, Endpoint> e : BY_PREFIX.entrySet()) {
                if (path.startsWith(e.getKey()) && path.length() > e.getKey().length()) {
                    ep = e.getValue();
                    exchange.setProperty(PATH_ID, path.substring(e.getKey().length()));
                    break;
                }
            }
        }
        if (ep == null && path.startsWith("/v1/messages")) {
            call.errorFormat(ErrorFormat.ANTHROPIC);
        }
        if (ep != null) {
            call.errorFormat(ep.format());
        }
        // the key first: a caller without a valid key learns nothing about the API (not even which paths exist)
        if (ep == null ? !"/health".equals(path) : ep.auth()) {
            call.principal(authenticate(kept));
        }
        if (ep == null) {
            throw new ApiException(404, ErrorMapper.NOT_FOUND, "unknown_url",
                    null, "Unknown request URL: " + method + " " + path + ". Caravan serves /v1/chat/completions, "
                            + "/v1/embeddings, /v1/responses, /v1/messages and /v1/models.");
        }
        if (!ep.methods().contains(method)) {
            String allow = String.join(", ", new java.util.TreeSet<>(ep.methods()));
            throw new ApiException(405, ErrorMapper.INVALID_REQUEST, "method_not_allowed", null,
                    "Method " + method + " is not allowed on " + path + "; use " + allow + ".",
                    Map.of("allow", allow));
        }
        call.endpoint(ep.name());
        exchange.setProperty(ENDPOINT, ep.name());
        exchange.setProperty(METHOD, method);
        if (ep.jsonBody()) {
            String ct = kept.get("content-type");
            if (ct == null || !ct.toLowerCase(java.util.Locale.ROOT).trim().startsWith("application/json")) {
                throw new ApiException(415, ErrorMapper.INVALID_REQUEST, "unsupported_media_type", null,
                        "Content-Type must be application/json" + (ct == null ? "" : ", not " + ct) + ".");
            }
        }
    }

    /** The request target's path, percent-decoded; as sent when it is not valid percent-encoding (then a 404). */
    static String decodedPath(String uri) {
        try {
            return new QueryStringDecoder(uri).path();
        } catch (IllegalArgumentException malformed) {
            return uri;
        }
    }

    /** A request header's value; several lines of the same header joined with commas, as HTTP defines. */
    private static String joined(HttpHeaders headers, String name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(",", all);
    }

    private Principal authenticate(Map<String, String> headers) {
        String token = bearer(headers.get("authorization")).orElse(headers.get("x-api-key"));
        if (token == null || token.isBlank()) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "missing_api_key", null,
                    "No gateway key provided. Send it as 'Authorization: Bearer <key>' (or 'x-api-key: <key>')."
                            + (authenticator.isEmpty() ? " No keys are configured yet: set CARAVAN_API_KEY or "
                                    + "caravan.keys.<name>." : ""));
        }
        return authenticator.authenticate(token.trim()).orElseThrow(() -> new ApiException(401,
                ErrorMapper.AUTHENTICATION, "invalid_api_key", null, "Invalid gateway key."));
    }

    private static Optional<String> bearer(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String a = authorization.trim();
        if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(a.substring(7).trim());
        }
        return Optional.empty();
    }

    static String pathOf(String uri) {
        if (uri == null || uri.isEmpty()) {
            return "/";
        }
        int q = uri.indexOf('?');
        String p = q >= 0 ? uri.substring(0, q) : uri;
        if (p.startsWith("http://") || p.startsWith("https://")) {
            int slash = p.indexOf('/', p.indexOf("//") + 2);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
