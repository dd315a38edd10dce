package dev.caravan.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import dev.caravan.api.Json;
import dev.caravan.auth.Budget;
import dev.caravan.catalog.Cost;
import dev.caravan.error.ApiException;

/**
 * The JSON of the keys admin API: reading a create or update request onto a {@link VirtualKey} (fields present
 * are set, {@code null} clears, absent ones are kept; unknown fields are a 400 that names them) and writing a key.
 */
public final class KeyJson {

    static final Set<String> FIELDS = Set.of("name", "tenant", "labels", "models", "rpm", "tpm", "budget",
            "expires_at", "allow_tenant_override", "allow_tags", "cache", "trace_content");

    private KeyJson() {
    }

    /** {@code base} with the fields of {@code body} applied. */
    public static VirtualKey apply(VirtualKey base, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw bad("The request body must be a JSON object.", null);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw bad("Unknown field '" + f + "'. Fields: " + new java.util.TreeSet<>(FIELDS) + ".", f);
            }
        }
        String tenant = body.has("tenant") ? text(body, "tenant", 200) : base.tenant();
        if (tenant == null || tenant.isBlank()) {
            throw bad("'tenant' must be a non-empty string.", "tenant");
        }
        return new VirtualKey(base.id(), body.has("name") ? text(body, "name", 200) : base.name(), tenant.trim(),
                body.has("labels") ? labels(body.get("labels")) : base.labels(),
                body.has("models") ? models(body.get("models")) : base.models(),
                body.has("rpm") ? positive(body, "rpm") : base.rpm(),
                body.has("tpm") ? positive(body, "tpm") : base.tpm(),
                body.has("budget") ? budget(body.get("budget")) : base.budget(),
                body.has("expires_at") ? instant(body.get("expires_at")) : base.expiresAt(), base.status(),
                body.has("allow_tenant_override") ? bool(body, "allow_tenant_override") : base.allowTenantOverride(),
                body.has("allow_tags") ? bool(body, "allow_tags") : base.allowTags(),
                body.has("cache") ? bool(body, "cache") : base.cache(), base.keyHash(), base.keyPrefix(),
                base.createdAt(), base.updatedAt(),
                body.has("trace_content") ? bool(body, "trace_content") : base.traceContent());
    }

    public static ObjectNode toJson(VirtualKey k) {
        ObjectNode n = Json.NODES.objectNode();
        n.put("object", "key");
        n.put("id", k.id());
        n.put("name", k.name());
        n.put("tenant", k.tenant());
        ObjectNode labels = n.putObject("labels");
        k.labels().forEach(labels::put);
        k.models().forEach(n.putArray("models")::add);
        putInt(n, "rpm", k.rpm());
        putInt(n, "tpm", k.tpm());
        if (k.budget() == null) {
            n.putNull("budget");
        } else {
            ObjectNode b = n.putObject("budget");
            b.set("usd", Json.NODES.rawValueNode(new RawValue(Cost.plain(k.budget().usd()))));
            b.put("period", k.budget().period().label());
        }
        n.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
        n.put("status", k.status().name().toLowerCase(Locale.ROOT));
        n.put("allow_tenant_override", k.allowTenantOverride());
        n.put("allow_tags", k.allowTags());
        n.put("cache", k.cache());
        n.put("trace_content", k.traceContent());
        n.put("key_prefix", k.keyPrefix());
        n.put("created_at", k.createdAt().toString());
        n.put("updated_at", k.updatedAt().toString());
        return n;
    }

    private static String text(JsonNode body, String f, int max) {
        JsonNode v = body.get(f);
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > max) {
            throw bad("'" + f + "' must be a string of at most " + max + " characters.", f);
        }
        return v.asText();
    }

    private static Integer positive(JsonNode body, String f) {
        JsonNode v = body.get(f);
        if (v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
            throw bad("'" + f + "' must be a positive integer or null (no limit).", f);
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode body, String f) {
        JsonNode v = body.get(f);
        if (!v.isBoolean()) {
            throw bad("'" + f + "' must be true or false.", f);
        }
        return v.asBoolean();
    }

    private static Map<String, String> labels(JsonNode v) {
        if (v.isNull()) {
            return Map.of();
        }
        if (!v.isObject() || v.size() > 50) {
            throw bad("'labels' must be an object of at most 50 string values, e.g. {\"env\":\"prod\"}.", "labels");
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw bad("label '" + e.getKey() + "' must be a string.", "labels");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static List<String> models(JsonNode v) {
        if (v.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (!v.isArray()) {
            throw bad("'models' must be an array of model globs, e.g. [\"openai/*\"].", "models");
        }
        for (JsonNode m : v) {
            if (!m.isTextual() || m.asText().isBlank()) {
                throw bad("'models' must hold non-empty strings.", "models");
            }
            out.add(m.asText().trim());
        }
        return out;
    }

    private static Budget budget(JsonNode v) {
        try {
            if (v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                return Budget.parse(v.asText());
            }
            if (v.isObject() && v.has("usd") && v.has("period")) {
                return new Budget(v.get("usd").decimalValue(), Budget.Period.parse(v.get("period").asText()));
            }
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage(), "budget");
        }
        throw bad("'budget' must be \"50/month\" or {\"usd\": 50, \"period\": \"month\"} (day, week or month).",
                "budget");
    }

    private static Instant instant(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        String s = v.asText();
        try {
            return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw bad("'expires_at' must be an ISO date (2026-12-31) or instant (2026-12-31T18:00:00Z).",
                    "expires_at");
        }
    }

    private static void putInt(ObjectNode n, String f, Integer v) {
        if (v == null) {
            n.putNull(f);
        } else {
            n.put(f, v);
        }
    }

    private static ApiException bad(String message, String param) {
        return ApiException.badRequest(message, param, "invalid_value");
    }
}
