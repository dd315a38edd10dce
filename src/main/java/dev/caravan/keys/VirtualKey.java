package dev.caravan.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.caravan.auth.Budget;
import dev.caravan.auth.KeyPolicy;
import dev.caravan.auth.ModelGlobs;
import dev.caravan.auth.Principal;

/**
 * A virtual key as stored: everything but the key itself, of which only the SHA-256 and a display prefix are kept.
 *
 * @param models globs over Caravan model ids; empty = every model
 * @param rpm    requests per minute, null = no limit
 * @param tpm    tokens per minute (prompt + completion), null = no limit
 * @param budget USD per calendar period, null = none
 * @param traceContent record this key's prompts and completions (redacted) on its OpenTelemetry spans
 */
public record VirtualKey(String id, String name, String tenant, Map<String, String> labels, List<String> models,
        Integer rpm, Integer tpm, Budget budget, Instant expiresAt, Status status, boolean allowTenantOverride,
        boolean allowTags, boolean cache, String keyHash, String keyPrefix, Instant createdAt, Instant updatedAt,
        boolean traceContent) {

    /** A key that does not record content on spans. */
    public VirtualKey(String id, String name, String tenant, Map<String, String> labels, List<String> models,
            Integer rpm, Integer tpm, Budget budget, Instant expiresAt, Status status, boolean allowTenantOverride,
            boolean allowTags, boolean cache, String keyHash, String keyPrefix, Instant createdAt,
            Instant updatedAt) {
        this(id, name, tenant, labels, models, rpm, tpm, budget, expiresAt, status, allowTenantOverride, allowTags,
                cache, keyHash, keyPrefix, createdAt, updatedAt, false);
    }

    public enum Status {
        ACTIVE, REVOKED
    }

    public VirtualKey {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        models = models == null ? List.of() : List.copyOf(models);
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The principal requests made with this key run as. */
    public Principal principal() {
        return new Principal(id, tenant, labels, new KeyPolicy(ModelGlobs.of(models), rpm, tpm, budget,
                allowTenantOverride, allowTags, cache, traceContent));
    }
}
