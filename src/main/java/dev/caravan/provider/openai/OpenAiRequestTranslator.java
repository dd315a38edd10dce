package dev.caravan.provider.openai;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.provider.UpstreamRequest;

/**
 * Client request → OpenAI-compatible upstream request. The client's JSON goes out as it came in, with the model
 * replaced and only the provider's declared quirks applied (copy-on-write: the client's tree stays intact for a
 * failover attempt).
 */
public final class OpenAiRequestTranslator implements Processor {

    private static final Pattern ALNUM9 = Pattern.compile("[a-zA-Z0-9]{9}");
    private static final String USER_AGENT = "caravan/" + OpenAiRequestTranslator.class.getPackage()
            .getImplementationVersion();

    /** The upstream body and the parameters that were dropped for this provider/model. */
    public record Translated(ObjectNode body, List<String> dropped) {
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        OpenAiCompatibleProvider p = exchange.getProperty(ProviderConfig.PROPERTY, OpenAiCompatibleProvider.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        p.requireConfigured();
        String model = exchange.getMessage().getHeader(RouteHeaders.MODEL, String.class);
        if (p.modelPrefix() != null && !model.contains("/")) {
            model = p.modelPrefix() + model;
        }
        Translated t = translate(call.raw(), model, call.isStream(), p.quirks());
        t.dropped().forEach(call::dropped);

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", call.isStream() ? "text/event-stream" : "application/json");
        headers.put("user-agent", USER_AGENT);
        headers.putAll(p.authHeaders());
        headers.putAll(p.fixedHeaders());
        URI uri = URI.create(p.baseUrl() + p.chatPath().replace("{model}",
                URLEncoder.encode(model, StandardCharsets.UTF_8)));
        exchange.getMessage().setBody(new UpstreamRequest(p.name(), uri, headers,
                Json.MAPPER.writeValueAsBytes(t.body()), call.isStream(), p.timeoutFor(exchange), p.idle(),
                call.isStream() ? new OpenAiStreamTranslator(p.quirks()) : null));
    }

    /** Pure: the upstream JSON for {@code raw} sent to {@code model} with {@code q} applied. */
    public static Translated translate(ObjectNode raw, String model, boolean stream, OpenAiQuirks q) {
        ObjectNode body = Json.NODES.objectNode();
        body.setAll(raw);
        body.put("model", model);
        List<String> dropped = new ArrayList<>();
        if (stream) {
            if (q.streamUsage) {
                ObjectNode so = Json.NODES.objectNode();
                if (raw.get("stream_options") instanceof ObjectNode existing) {
                    so.setAll(existing);
                }
                so.put("include_usage", true);
                body.set("stream_options", so);
            }
        } else {
            body.remove("stream_options");
        }
        Messages messages = new Messages(body);
        for (OpenAiQuirks.DropRule rule : q.drops) {
            if (!rule.applies(model)) {
                continue;
            }
            for (String param : rule.params()) {
                if (param.startsWith("messages[].")) {
                    String field = param.substring("messages[].".length());
                    if (messages.removeField(field)) {
                        dropped.add(param);
                    }
                } else if (body.has(param)) {
                    body.remove(param);
                    dropped.add(param);
                }
            }
        }
        q.renames.forEach((from, to) -> {
            JsonNode v = body.remove(from);
            if (v != null) {
                body.set(to, v);
            }
        });
        q.valueMaps.forEach((param, map) -> {
            JsonNode v = body.get(param);
            if (v != null && v.isTextual() && map.containsKey(v.asText())) {
                body.put(param, map.get(v.asText()));
            }
        });
        if (q.setParams != null) {
            body.setAll(q.setParams.deepCopy());
        }
        if (!q.roles.isEmpty()) {
            messages.mapRoles(q.roles);
        }
        if (q.alnum9ToolIds) {
            messages.mapToolCallIds();
        }
        if (q.assistantPrefix) {
            messages.prefixTrailingAssistant();
        }
        return new Translated(body, dropped);
    }

    /** Copy-on-write access to {@code messages}: the array and a message are copied before the first change. */
    private static final class Messages {
        private final ObjectNode body;
        private ArrayNode copy;

        Messages(ObjectNode body) {
            this.body = body;
        }

        private ArrayNode array() {
            if (copy == null) {
                JsonNode m = body.get("messages");
                copy = Json.NODES.arrayNode();
                if (m instanceof ArrayNode a) {
                    for (JsonNode msg : a) {
                        copy.add(msg instanceof ObjectNode o ? o.deepCopy() : msg);
                    }
                }
                body.set("messages", copy);
            }
            return copy;
        }

        boolean removeField(String field) {
            JsonNode m = body.get("messages");
            boolean any = false;
            if (m instanceof ArrayNode a) {
                for (JsonNode msg : a) {
                    any |= msg.has(field);
                }
            }
            if (any) {
                for (JsonNode msg : array()) {
                    if (msg instanceof ObjectNode o) {
                        o.remove(field);
                    }
                }
            }
            return any;
        }

        void mapRoles(Map<String, String> roles) {
            for (JsonNode msg : array()) {
                if (msg instanceof ObjectNode o && o.get("role") != null && roles.containsKey(o.get("role").asText())) {
                    o.put("role", roles.get(o.get("role").asText()));
                }
            }
        }

        void mapToolCallIds() {
            for (JsonNode msg : array()) {
                if (!(msg instanceof ObjectNode o)) {
                    continue;
                }
                if (o.get("tool_calls") instanceof ArrayNode calls) {
                    for (JsonNode c : calls) {
                        if (c instanceof ObjectNode co && co.hasNonNull("id")) {
                            co.put("id", alnum9(co.get("id").asText()));
                        }
                    }
                }
                if (o.hasNonNull("tool_call_id")) {
                    o.put("tool_call_id", alnum9(o.get("tool_call_id").asText()));
                }
            }
        }

        void prefixTrailingAssistant() {
            ArrayNode a = array();
            if (!a.isEmpty() && a.get(a.size() - 1) instanceof ObjectNode last
                    && "assistant".equals(last.path("role").asText())) {
                last.put("prefix", true);
            }
        }
    }

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** A tool-call id in Mistral's required shape ([a-zA-Z0-9]{9}); the same input always gives the same id. */
    static String alnum9(String id) {
        if (ALNUM9.matcher(id).matches()) {
            return id;
        }
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        char[] out = new char[9];
        long v = h & Long.MAX_VALUE;
        for (int i = 0; i < 9; i++) {
            out[i] = BASE62.charAt((int) (v % 62));
            v /= 62;
        }
        return new String(out);
    }
}
