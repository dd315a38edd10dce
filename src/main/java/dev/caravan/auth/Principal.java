package dev.caravan.auth;

import java.util.Map;

/**
 * Who is calling: the key's id (never the key), its tenant and labels. The virtual-key store adds limits and
 * scopes; keys declared in configuration have only a name.
 */
public record Principal(String keyId, String tenant, Map<String, String> labels) {
}
