package dev.caravan.money;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.caravan.auth.Budget;

/**
 * Limits per tenant, from properties: {@code caravan.tenants.<tenant>.rpm}, {@code .tpm} and {@code .budget}
 * ({@code 500/month}). They apply to all keys of the tenant together, on top of each key's own limits.
 */
public final class TenantPolicies {

    public static final String PREFIX = "caravan.tenants.";

    /** One tenant's limits; null fields are unlimited. */
    public record TenantPolicy(Integer rpm, Integer tpm, Budget budget) {
    }

    private final Map<String, TenantPolicy> byTenant;

    public TenantPolicies(Map<String, TenantPolicy> byTenant) {
        this.byTenant = Map.copyOf(byTenant);
    }

    /** Reads {@code caravan.tenants.<tenant>.<field>} entries; anything malformed is an error naming the key. */
    public static TenantPolicies from(Properties props) {
        Map<String, Integer> rpm = new TreeMap<>();
        Map<String, Integer> tpm = new TreeMap<>();
        Map<String, Budget> budget = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            if (!k.startsWith(PREFIX)) {
                continue;
            }
            String rest = k.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String v = props.getProperty(k).trim();
            if (dot <= 0 || v.isEmpty()) {
                continue;
            }
            String tenant = rest.substring(0, dot);
            try {
                switch (rest.substring(dot + 1)) {
                    case "rpm" -> rpm.put(tenant, Integer.parseInt(v));
                    case "tpm" -> tpm.put(tenant, Integer.parseInt(v));
                    case "budget" -> budget.put(tenant, Budget.parse(v));
                    default -> throw new IllegalArgumentException("unknown field (rpm, tpm or budget)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property " + k + "=" + v + ": " + e.getMessage(), e);
            }
        }
        Map<String, TenantPolicy> out = new TreeMap<>();
        for (String t : union(rpm, tpm, budget)) {
            out.put(t, new TenantPolicy(rpm.get(t), tpm.get(t), budget.get(t)));
        }
        return new TenantPolicies(out);
    }

    public TenantPolicy get(String tenant) {
        return tenant == null ? null : byTenant.get(tenant);
    }

    public Map<String, TenantPolicy> all() {
        return byTenant;
    }

    private static java.util.Set<String> union(Map<String, ?>... maps) {
        java.util.Set<String> s = new java.util.TreeSet<>();
        for (Map<String, ?> m : maps) {
            s.addAll(m.keySet());
        }
        return s;
    }
}
