package dev.caravan.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.caravan.catalog.FilePriceCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing's facts come from the generated catalog and the user's overrides; unknown facts stay unknown. */
class CatalogModelFactsTest {

    @TempDir
    Path dir;

    CatalogModelFacts facts() throws IOException {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, """
                models:
                  - provider: vllm
                    model: my-llama
                    context_window: 8192
                    capabilities: [tools]
                    prices: {input: 0.02, output: 0.04}
                    source: internal chargeback
                    as_of: 2026-01-01
                """);
        return new CatalogModelFacts(new FilePriceCatalog(file),
                Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void generatedEntriesGiveContextWindowCapabilitiesAndPrice() throws IOException {
        CatalogModelFacts f = facts();
        assertThat(f.contextWindow("openai", "gpt-4o-mini")).hasValue(128000);
        assertThat(f.contextWindow("openai", "gpt-4o-mini-2024-07-18")).hasValue(128000);
        assertThat(f.capabilities("openai", "gpt-4o-mini")).hasValueSatisfying(c ->
                assertThat(c).contains("tools", "vision"));
        assertThat(f.capabilities("deepseek", "deepseek-chat")).hasValueSatisfying(c ->
                assertThat(c).contains("tools").doesNotContain("vision"));
        assertThat(f.price("openai", "gpt-4o-mini")).hasValue(new ModelFacts.Price(0.15, 0.6));
    }

    @Test
    void overridesAddModelsAndUnknownFactsStayUnknown() throws IOException {
        CatalogModelFacts f = facts();
        assertThat(f.contextWindow("vllm", "my-llama")).hasValue(8192);
        assertThat(f.capabilities("vllm", "my-llama")).hasValueSatisfying(c -> assertThat(c).containsExactly("tools"));
        assertThat(f.price("vllm", "my-llama")).hasValue(new ModelFacts.Price(0.02, 0.04));
        assertThat(f.contextWindow("openai", "no-such-model")).isEmpty();
        assertThat(f.capabilities("openai", "no-such-model")).isEmpty();
        assertThat(f.price("openai", "no-such-model")).isEmpty();
    }

    @Test
    void aListWithOnlyPricingFactsSaysNothingAboutToolsOrImages() throws IOException {
        CatalogModelFacts f = facts();
        String model = new FilePriceCatalog(dir.resolve("none.yaml")).models().stream()
                .filter(m -> m.capabilities().equals(java.util.List.of("prompt_caching")))
                .map(m -> m.provider() + "/" + m.model()).findFirst().orElseThrow();
        String[] pm = model.split("/", 2);
        assertThat(f.capabilities(pm[0], pm[1])).as(model).isEmpty();
    }
}
