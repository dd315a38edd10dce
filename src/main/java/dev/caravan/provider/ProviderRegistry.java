package dev.caravan.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers the loaded routes serve. Provider beans register themselves when their route is created (a
 * reload re-registers); the route loader removes providers whose routes were deleted. No central list: adding a
 * route adds the provider.
 */
public final class ProviderRegistry {

    private final Map<String, ProviderDescriptor> providers = new ConcurrentHashMap<>();

    public void register(ProviderDescriptor d) {
        providers.put(d.name(), d);
    }

    public void unregister(String name) {
        providers.remove(name);
    }

    public ProviderDescriptor get(String name) {
        return providers.get(name);
    }

    public Collection<ProviderDescriptor> all() {
        List<ProviderDescriptor> out = new ArrayList<>(providers.values());
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }
}
