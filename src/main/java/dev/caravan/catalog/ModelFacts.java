package dev.caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Facts the price data does not carry: the most output tokens per call and capabilities, curated from the
 * providers' model documentation in {@code src/catalog/model-facts.yaml}. Each fact names the providers and the
 * catalog model ids it applies to.
 */
record ModelFacts(String source, List<Fact> facts) {

    record Fact(List<String> providers, List<String> models, Integer maxOutput, Integer contextWindow,
            List<String> capabilities) {
    }

    static ModelFacts read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return CatalogYaml.MAPPER.readValue(in, ModelFacts.class);
        }
    }

    List<ModelInfo> applyTo(List<ModelInfo> models) {
        Map<String, Fact> byId = new LinkedHashMap<>();
        for (Fact f : facts) {
            for (String p : f.providers()) {
                for (String m : f.models()) {
                    byId.put(p + "/" + m, f);
                }
            }
        }
        List<ModelInfo> out = new ArrayList<>(models.size());
        List<String> used = new ArrayList<>();
        for (ModelInfo m : models) {
            Fact f = byId.get(m.provider() + "/" + m.model());
            if (f == null) {
                out.add(m);
                continue;
            }
            used.add(m.provider() + "/" + m.model());
            TreeSet<String> caps = new TreeSet<>(m.capabilities());
            if (f.capabilities() != null) {
                caps.addAll(f.capabilities());
            }
            out.add(new ModelInfo(m.provider(), m.model(), m.name(), m.match(),
                    f.contextWindow() != null ? f.contextWindow() : m.contextWindow(),
                    f.maxOutput() != null ? f.maxOutput() : m.maxOutput(), List.copyOf(caps), m.prices(), m.tiers(),
                    m.priceChanges(), m.timeWindows(), null, m.deprecated(), m.source() + "; limits: " + source,
                    m.asOf()));
        }
        List<String> unused = new ArrayList<>(byId.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("model-facts.yaml names models the price data does not have: "
                    + unused);
        }
        return out;
    }
}
