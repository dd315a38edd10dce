package dev.caravan.logging;

import java.util.Collection;
import java.util.Set;

import dev.caravan.auth.Principal;

/**
 * Decides whether the access log may carry a call's request and response bodies. Bodies are never logged unless
 * this says so for the calling key; then they are redacted ({@link Redactor}) before they are written. The default
 * comes from {@code caravan.log.bodies.keys}; a key store can supply its own (per-key setting).
 */
@FunctionalInterface
public interface BodyLogPolicy {

    BodyLogPolicy NEVER = p -> false;

    boolean logBodies(Principal principal);

    /** Bodies of calls made with one of these key ids. */
    static BodyLogPolicy forKeys(Collection<String> keyIds) {
        Set<String> ids = Set.copyOf(keyIds);
        return ids.isEmpty() ? NEVER : p -> p != null && ids.contains(p.keyId());
    }

    /** Either policy allows it. */
    default BodyLogPolicy or(BodyLogPolicy other) {
        return p -> logBodies(p) || other.logBodies(p);
    }
}
