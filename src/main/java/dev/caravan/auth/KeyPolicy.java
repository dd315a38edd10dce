package dev.caravan.auth;

/**
 * What a key may do: which models, how fast (requests and tokens per minute, null = no limit), how much (budget,
 * null = none), whether requests may attribute themselves to another tenant or carry tags, whether its requests
 * use the response cache by default, and whether their prompts and completions are recorded (redacted) on their
 * OpenTelemetry spans. Keys declared in configuration have {@link #UNRESTRICTED}.
 */
public record KeyPolicy(ModelGlobs models, Integer rpm, Integer tpm, Budget budget, boolean allowTenantOverride,
        boolean allowTags, boolean cache, boolean traceContent) {

    public static final KeyPolicy UNRESTRICTED = new KeyPolicy(ModelGlobs.ANY, null, null, null, false, false, false,
            false);

    public KeyPolicy {
        models = models == null ? ModelGlobs.ANY : models;
    }

    /** A policy that does not record content on spans. */
    public KeyPolicy(ModelGlobs models, Integer rpm, Integer tpm, Budget budget, boolean allowTenantOverride,
            boolean allowTags, boolean cache) {
        this(models, rpm, tpm, budget, allowTenantOverride, allowTags, cache, false);
    }
}
