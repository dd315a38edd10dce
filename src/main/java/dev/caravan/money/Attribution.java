package dev.caravan.money;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.auth.Principal;
import dev.caravan.gateway.ChatCall;

/**
 * Who a call is charged to. The key's tenant, unless the key allows requests to name another one
 * ({@code x-caravan-tenant} header or {@code metadata.tenant}); tags ({@code x-caravan-tags: a,b}) only when the
 * key allows them. A request that names a tenant or tags its key does not allow is served and attributed to the
 * key's own tenant, without tags.
 */
final class Attribution {

    static final int MAX_TENANT = 200;
    static final int MAX_TAGS = 1000;

    private Attribution() {
    }

    static String tenant(ChatCall call, Principal p) {
        if (!p.policy().allowTenantOverride()) {
            return p.tenant();
        }
        String t = call.clientHeader("x-caravan-tenant");
        if (t == null && call.raw() != null) {
            JsonNode m = call.raw().path("metadata").path("tenant");
            t = m.isTextual() ? m.asText() : null;
        }
        t = t == null ? null : t.trim();
        return t == null || t.isEmpty() || t.length() > MAX_TENANT ? p.tenant() : t;
    }

    static String tags(ChatCall call, Principal p) {
        String h = call.clientHeader("x-caravan-tags");
        if (!p.policy().allowTags() || h == null) {
            return null;
        }
        String tags = Arrays.stream(h.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct()
                .collect(Collectors.joining(","));
        return tags.isEmpty() ? null : tags.length() > MAX_TAGS ? tags.substring(0, MAX_TAGS) : tags;
    }
}
