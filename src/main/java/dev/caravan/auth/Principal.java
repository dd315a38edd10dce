package dev.caravan.auth;

import java.util.Map;

/**
 * Who is calling: the key's id (never the key), its tenant, labels and {@link KeyPolicy}. Keys declared in
 * configuration have only a name and no limits; virtual keys carry their scopes, limits and budget.
 */
public record Principal(String keyId, String tenant, Map<String, String> labels, KeyPolicy policy) {

    public Principal {
        labels = labels == null ? Map.of() : labels;
        policy = policy == null ? KeyPolicy.UNRESTRICTED : policy;
    }

    public Principal(String keyId, String tenant, Map<String, String> labels) {
        this(keyId, tenant, labels, KeyPolicy.UNRESTRICTED);
    }
}
