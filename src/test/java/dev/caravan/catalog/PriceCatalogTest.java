package dev.caravan.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Lookups in the generated catalog, the user's overrides, and their hot reload. */
class PriceCatalogTest {

    static final List<String> ROUTED_PROVIDERS = List.of("openai", "azure", "anthropic", "gemini", "mistral",
            "deepseek", "qwen", "groq", "together", "fireworks", "xai", "openrouter", "ollama", "vllm");

    @TempDir
    Path dir;

    @Test
    void everyProviderCaravanRoutesToHasPricedEntriesWithSourceAndDate() {
        FilePriceCatalog c = new FilePriceCatalog(dir.resolve("models.yaml"));
        for (String p : ROUTED_PROVIDERS) {
            List<ModelInfo> entries = c.models().stream().filter(m -> m.provider().equals(p)).toList();
            assertThat(entries).as(p).isNotEmpty();
            assertThat(entries).as(p).allSatisfy(m -> {
                assertThat(m.source()).isNotBlank();
                assertThat(m.asOf()).matches("\\d{4}-\\d{2}-\\d{2}");
                assertThat(m.prices()).isNotNull();
                assertThat(m.prices().input()).isNotNull();
                assertThat(m.prices().output()).isNotNull();
                assertThat(m.prices().cacheRead()).isNotNull();
                assertThat(m.prices().cacheWrite()).isNotNull();
                assertThat(m.prices().reasoning()).isNotNull();
            });
        }
    }

    @Test
    void snapshotsAndAliasesFindTheirEntry() {
        FilePriceCatalog c = new FilePriceCatalog(null);
        assertThat(c.find("openai", "gpt-4o-mini-2024-07-18")).map(ModelInfo::model).hasValue("gpt-4o-mini");
        assertThat(c.find("openai/gpt-4o")).map(ModelInfo::model).hasValue("gpt-4o");
        assertThat(c.find("OpenAI", "GPT-4o-Mini")).map(ModelInfo::model).hasValue("gpt-4o-mini");
        assertThat(c.find("anthropic", "claude-sonnet-4-5-20250929")).map(ModelInfo::model)
                .hasValue("claude-sonnet-4-5");
        // Azure lists few models itself and falls back to OpenAI's entries
        assertThat(c.find("azure", "gpt-4o-mini")).map(ModelInfo::provider).hasValue("openai");
        // fireworks' full resource names end with the model id
        assertThat(c.find("fireworks", "accounts/fireworks/models/deepseek-v3p2")).map(ModelInfo::model)
                .hasValue("deepseek-v3p2");
        assertThat(c.find("ollama", "llama3.2")).map(ModelInfo::model).hasValue("*");
        assertThat(c.find("openai", "no-such-model")).isEmpty();
        assertThat(c.find("nobody", "gpt-4o")).isEmpty();
        assertThat(c.contextWindow("openai", "gpt-4o-mini")).hasValue(128000);
        assertThat(c.maxOutput("openai", "gpt-4o-mini")).hasValue(16384);
        assertThat(c.maxOutput("openai", "no-such-model")).isEmpty();
    }

    @Test
    void overridesReplaceFieldsAddModelsAndReloadWhenTheFileChanges() throws Exception {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, """
                models:
                  - provider: openai
                    model: gpt-4o-mini
                    prices: {input: 0.1, output: 0.4}
                    source: negotiated
                    as_of: 2026-01-01
                  - provider: vllm
                    model: my-llama
                    context_window: 8192
                    prices: {input: 0.02, output: 0.02}
                    source: internal chargeback
                    as_of: 2026-01-01
                  - provider: azure
                    model: prod-4o
                    same_as: openai/gpt-4o
                """);
        FilePriceCatalog c = new FilePriceCatalog(file);
        ModelInfo mini = c.find("openai", "gpt-4o-mini-2024-07-18").orElseThrow();
        Rates r = mini.ratesAt(Instant.parse("2026-05-01T00:00:00Z"), 10);
        assertThat(r.input()).isEqualByComparingTo("0.1");
        assertThat(r.output()).isEqualByComparingTo("0.4");
        assertThat(r.cacheRead()).isEqualByComparingTo("0.075"); // left out: kept from the generated entry
        assertThat(mini.contextWindow()).isEqualTo(128000);
        assertThat(mini.source()).isEqualTo("negotiated");
        assertThat(c.find("vllm", "my-llama")).map(ModelInfo::contextWindow).hasValue(8192);
        assertThat(c.find("vllm", "other")).map(ModelInfo::model).hasValue("*");
        ModelInfo alias = c.find("azure", "prod-4o").orElseThrow();
        assertThat(alias.prices().input()).isEqualByComparingTo("2.5");
        assertThat(alias.contextWindow()).isEqualTo(128000);

        long gen = c.generation();
        c.watch();
        try {
            Files.writeString(file, "models: [ {provider: openai, model: gpt-4o-mini, prices: {input: 0.11}} ]\n");
            await().atMost(5, TimeUnit.SECONDS).until(() -> c.generation() > gen);
            assertThat(c.find("openai", "gpt-4o-mini").orElseThrow().prices().input()).isEqualByComparingTo("0.11");
            assertThat(c.find("vllm", "my-llama")).map(ModelInfo::model).hasValue("*");

            long gen2 = c.generation();
            Files.writeString(file, "models: [ {provider: openai, model: gpt-4o-mini, prices: {inptu: 1}} ]\n");
            Thread.sleep(600);
            assertThat(c.generation()).isEqualTo(gen2); // rejected: the last good catalog stays
            assertThat(c.find("openai", "gpt-4o-mini").orElseThrow().prices().input()).isEqualByComparingTo("0.11");
        } finally {
            c.stop();
        }
    }

    @Test
    void generatedCatalogIsUpToDateWithTheSnapshot() throws Exception {
        Path source = Path.of("../shared/data/genai-prices");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(source),
                "the genai-prices snapshot is not beside the repository");
        String generated = CatalogGenerator.generate(source, "47df840", "2026-08-21",
                Path.of("src/catalog/model-facts.yaml"));
        assertThat(generated).isEqualTo(Files.readString(Path.of("src/main/resources/" + FilePriceCatalog.BUILT_IN)));
        assertThat(Set.copyOf(ROUTED_PROVIDERS)).hasSize(14);
    }
}
