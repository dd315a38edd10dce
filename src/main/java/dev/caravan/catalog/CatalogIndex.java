package dev.caravan.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;


/**
 * An immutable catalog: built-in entries with the user's overrides merged in, indexed by provider. A lookup tries
 * the exact id, then the match rules in catalog order (user entries first), then the last path segment of an id
 * such as {@code accounts/fireworks/models/x}, then the provider's fallback providers. Results are memoized.
 */
final class CatalogIndex {

    private final Map<String, List<ModelInfo>> byProvider = new LinkedHashMap<>();
    private final Map<String, Map<String, ModelInfo>> exact = new LinkedHashMap<>();
    private final Map<String, List<String>> fallback = new LinkedHashMap<>();
    private final List<ModelInfo> all;
    private static final int MEMO_LIMIT = 10_000;
    private final ConcurrentHashMap<String, Optional<ModelInfo>> memo = new ConcurrentHashMap<>();

    CatalogIndex(CatalogFile builtIn, CatalogFile overrides) {
        Map<String, ModelInfo> merged = new LinkedHashMap<>();
        List<ModelInfo> added = new ArrayList<>();
        for (ModelInfo m : builtIn.models()) {
            merged.put(id(m), m);
        }
        for (ModelInfo o : overrides.models()) {
            requireId(o);
            ModelInfo base = merged.get(id(o));
            if (base != null) {
                merged.put(id(o), base.overriddenBy(o));
            } else {
                added.add(o);
            }
        }
        List<ModelInfo> ordered = new ArrayList<>(added);
        ordered.addAll(merged.values());
        Map<String, ModelInfo> byId = new LinkedHashMap<>();
        ordered.forEach(m -> byId.putIfAbsent(id(m), m));
        all = List.copyOf(resolveSameAs(ordered, byId));
        for (ModelInfo m : all) {
            String p = m.provider().toLowerCase(Locale.ROOT);
            byProvider.computeIfAbsent(p, x -> new ArrayList<>()).add(m);
            exact.computeIfAbsent(p, x -> new LinkedHashMap<>()).putIfAbsent(m.key(), m);
        }
        builtIn.providers().forEach((p, r) -> fallback.put(p.toLowerCase(Locale.ROOT), r.fallback()));
        overrides.providers().forEach((p, r) -> fallback.put(p.toLowerCase(Locale.ROOT), r.fallback()));
    }

    List<ModelInfo> all() {
        return all;
    }

    Optional<ModelInfo> find(String provider, String model) {
        if (provider == null || model == null) {
            return Optional.empty();
        }
        String key = provider + '\u0000' + model;
        Optional<ModelInfo> hit = memo.get(key);
        if (hit != null) {
            return hit;
        }
        if (memo.size() >= MEMO_LIMIT) {
            memo.clear();
        }
        hit = resolve(provider.toLowerCase(Locale.ROOT), model.toLowerCase(Locale.ROOT), new HashSet<>());
        memo.put(key, hit);
        return hit;
    }

    private Optional<ModelInfo> resolve(String provider, String model, Set<String> seen) {
        if (!seen.add(provider)) {
            return Optional.empty();
        }
        Optional<ModelInfo> hit = lookIn(provider, model);
        if (hit.isEmpty() && model.indexOf('/') >= 0) {
            hit = lookIn(provider, model.substring(model.lastIndexOf('/') + 1));
        }
        if (hit.isPresent()) {
            return hit;
        }
        for (String fb : fallback.getOrDefault(provider, List.of())) {
            Optional<ModelInfo> f = resolve(fb.toLowerCase(Locale.ROOT), model, seen);
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    private Optional<ModelInfo> lookIn(String provider, String model) {
        ModelInfo e = exact.getOrDefault(provider, Map.of()).get(model);
        if (e != null) {
            return Optional.of(e);
        }
        for (ModelInfo m : byProvider.getOrDefault(provider, List.of())) {
            if (m.match() != null && m.match().matches(model)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Entries with {@code same_as} take whatever they leave out from the named entry. */
    private static List<ModelInfo> resolveSameAs(List<ModelInfo> entries, Map<String, ModelInfo> byId) {
        List<ModelInfo> out = new ArrayList<>(entries.size());
        for (ModelInfo m : entries) {
            if (m.sameAs() == null) {
                out.add(m);
                continue;
            }
            String ref = m.sameAs().toLowerCase(Locale.ROOT);
            int slash = ref.indexOf('/');
            ModelInfo base = slash > 0 ? byId.get(ref) : null;
            if (base == null) {
                throw new IllegalArgumentException("model " + m.provider() + "/" + m.model() + ": same_as '"
                        + m.sameAs() + "' names no entry of the catalog");
            }
            ModelInfo copy = new ModelInfo(m.provider(), m.model(), base.name(), base.match() == null ? null
                    : new Match(null, null, null, null, null), base.contextWindow(), base.maxOutput(), base.capabilities(),
                    base.prices(), base.tiers(), base.priceChanges(), base.timeWindows(), null, base.deprecated(),
                    base.source(), base.asOf());
            out.add(copy.overriddenBy(m));
        }
        return out;
    }

    private static String id(ModelInfo m) {
        return m.provider().toLowerCase(Locale.ROOT) + '/' + m.model().toLowerCase(Locale.ROOT);
    }

    private static void requireId(ModelInfo m) {
        if (m.provider() == null || m.provider().isBlank() || m.model() == null || m.model().isBlank()) {
            throw new IllegalArgumentException("every entry needs 'provider' and 'model' (got " + m.provider() + "/"
                    + m.model() + ")");
        }
    }
}
