package dev.caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Generates {@code src/main/resources/catalog/models.yaml} from a genai-prices snapshot (one YAML file per
 * provider) and {@code src/catalog/model-facts.yaml} (output limits and capabilities, which the price data does not
 * carry). Run it when a new snapshot lands:
 *
 * <pre>
 * mvn -Pcatalog generate-resources -Dcatalog.source=../shared/data/genai-prices -Dcatalog.commit=47df840 \
 *     -Dcatalog.date=2026-08-21
 * # or, without Maven:
 * java -cp target/caravan.jar dev.caravan.catalog.CatalogGenerator SOURCE_DIR COMMIT DATE FACTS OUT
 * </pre>
 *
 * Provider ids become Caravan's provider names ({@code google} → {@code gemini}, {@code x-ai} → {@code xai},
 * {@code aws} → {@code bedrock}).
 * Qwen (DashScope) has no file of its own: its entries are OpenRouter's {@code qwen/} models. Self-hosted
 * providers (Ollama, vLLM) get a catch-all entry with no per-token charge.
 */
public final class CatalogGenerator {

    static final Map<String, String> PROVIDER_NAMES = Map.of("google", "gemini", "x-ai", "xai", "aws", "bedrock");
    static final List<String> SELF_HOSTED = List.of("ollama", "vllm");
    static final String DERIVED_QWEN_FROM = "openrouter";

    private CatalogGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: CatalogGenerator SOURCE_DIR COMMIT DATE FACTS_FILE OUT_FILE");
            System.exit(2);
        }
        Path out = Path.of(args[4]);
        String text = generate(Path.of(args[0]), args[1], args[2], Path.of(args[3]));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + " (" + text.lines().count() + " lines)");
    }

    /** The catalog text for a snapshot directory. */
    public static String generate(Path sourceDir, String commit, String date, Path factsFile) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(sourceDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().toList();
        }
        Map<String, CatalogFile.ProviderRules> providers = new LinkedHashMap<>();
        List<ModelInfo> models = new ArrayList<>();
        for (Path f : files) {
            JsonNode doc = read(f);
            String provider = providerName(doc.path("id").asText());
            String source = "genai-prices@" + commit + " " + f.getFileName();
            List<String> fallback = new ArrayList<>();
            doc.path("fallback_model_providers").forEach(n -> fallback.add(providerName(n.asText())));
            List<String> urls = new ArrayList<>();
            doc.path("pricing_urls").forEach(n -> urls.add(n.asText()));
            providers.put(provider, new CatalogFile.ProviderRules(fallback, urls));
            for (JsonNode m : doc.path("models")) {
                models.add(GenaiPrices.model(provider, m, source, date));
            }
        }
        models.addAll(derivedQwen(models, commit));
        for (String p : SELF_HOSTED) {
            models.add(selfHosted(p, date));
        }
        List<ModelInfo> withFacts = ModelFacts.read(factsFile).applyTo(models);
        CatalogFile file = new CatalogFile(new CatalogFile.Snapshot("https://github.com/pydantic/genai-prices",
                commit, date, "MIT"), providers, withFacts);
        return CatalogYaml.write(file, header(commit, date, withFacts));
    }

    private static List<ModelInfo> derivedQwen(List<ModelInfo> models, String commit) {
        List<ModelInfo> out = new ArrayList<>();
        for (ModelInfo m : models) {
            if (m.provider().equals(DERIVED_QWEN_FROM) && m.model().toLowerCase(Locale.ROOT).startsWith("qwen/")) {
                String id = m.model().substring("qwen/".length());
                out.add(new ModelInfo("qwen", id, m.name(), null, m.contextWindow(), m.maxOutput(),
                        m.capabilities(), m.prices(), m.tiers(), m.priceChanges(), m.timeWindows(), null,
                        m.deprecated(), "genai-prices@" + commit + " openrouter.yml (OpenRouter's price of qwen/" + id
                                + "; put DashScope's own price in config/models.yaml where it differs)",
                        m.asOf()));
            }
        }
        return out;
    }

    private static ModelInfo selfHosted(String provider, String date) {
        Rates free = new Rates(java.math.BigDecimal.ZERO, java.math.BigDecimal.ZERO, null, null, null, null, null,
                null).completed();
        return new ModelInfo(provider, "*", "any self-hosted model", new Match(null, null, null, null, List.of(".*")),
                null, null, List.of(), free, null, null, null, null, null,
                "self-hosted: no per-token charge (give your own internal price in config/models.yaml)", date);
    }

    static String providerName(String genaiId) {
        return PROVIDER_NAMES.getOrDefault(genaiId, genaiId);
    }

    private static String wrap(String text) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String word : text.split(" ")) {
            if (col > 0 && col + word.length() > 110) {
                sb.append("\n# ");
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
            }
            sb.append(word);
            col += word.length() + 1;
        }
        return sb.toString();
    }

    private static JsonNode read(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return CatalogYaml.MAPPER.readTree(in);
        }
    }

    private static String header(String commit, String date, List<ModelInfo> models) {
        TreeSet<String> providers = new TreeSet<>();
        models.forEach(m -> providers.add(m.provider()));
        return """
                # Caravan price catalog. GENERATED by dev.caravan.catalog.CatalogGenerator: do not edit by hand; put
                # overrides and additions in config/models.yaml (same format, hot-reloaded).
                # Source: pydantic/genai-prices commit %s (%s), MIT licence; output limits and capabilities from
                # src/catalog/model-facts.yaml. %d models of %d providers:
                # %s.
                #
                # Rates are USD per million tokens: input (uncached prompt), cache_read, cache_write, output,
                # reasoning (billed like output unless the provider prices it apart), input_audio / output_audio
                # where priced apart, per_thousand_requests where the provider charges per call. A tier applies to
                # every token of a call whose prompt exceeds 'above' tokens; price_changes apply from a UTC date;
                # time_windows during a UTC time of day.
                """.formatted(commit, date, models.size(), providers.size(), wrap(String.join(", ", providers)));
    }
}
