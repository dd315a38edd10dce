package dev.caravan.ops.health;

import java.util.Collection;
import java.util.concurrent.Callable;

import dev.caravan.provider.ProviderDescriptor;
import dev.caravan.provider.ProviderRegistry;

/** Readiness: at least one provider route is loaded and has what it needs to be called (base URL, key). */
public final class ProviderReadiness {

    private ProviderReadiness() {
    }

    public static Callable<String> probe(ProviderRegistry providers) {
        return () -> {
            Collection<ProviderDescriptor> all = providers.all();
            if (all.stream().anyMatch(ProviderDescriptor::configured)) {
                return null;
            }
            return all.isEmpty() ? "no provider routes are loaded"
                    : "none of the " + all.size() + " providers is configured; set a provider key, e.g. "
                            + all.iterator().next().keyHint();
        };
    }
}
