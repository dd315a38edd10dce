package dev.caravan.admin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;

/** An admin request as {@link AdminGuard} left it: method, path segments after the prefix, query, JSON body. */
record AdminRequest(String method, String path, Map<String, String> query, Exchange exchange) {

    static AdminRequest of(Exchange exchange) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = exchange.getProperty(AdminGuard.QUERY, "", String.class);
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return new AdminRequest(exchange.getProperty(AdminGuard.METHOD, String.class),
                exchange.getProperty(AdminGuard.PATH, String.class), q, exchange);
    }

    /** The path after {@code prefix}, without leading slash ("" for the prefix itself). */
    String rest(String prefix) {
        String r = path.length() <= prefix.length() ? "" : path.substring(prefix.length());
        return r.startsWith("/") ? r.substring(1) : r;
    }

    JsonNode json() {
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            JsonNode n = in == null ? null : Json.MAPPER.readTree(in);
            return n == null || n.isMissingNode() ? Json.NODES.objectNode() : n;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request body is not valid JSON: " + e.getOriginalMessage(), null,
                    "invalid_json");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.", null, "invalid_json");
        }
    }

    static ApiException notFound(String what) {
        return new ApiException(404, ErrorMapper.NOT_FOUND, "not_found", null, what);
    }

    static ApiException methodNotAllowed(String method, String path, String allow) {
        return new ApiException(405, ErrorMapper.INVALID_REQUEST, "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + "; use " + allow + ".", Map.of("allow", allow));
    }
}
