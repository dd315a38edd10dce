package dev.caravan.ops.health;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.caravan.provider.ProviderDescriptor;
import dev.caravan.provider.ProviderRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness needs at least one provider that can be called. */
class ProviderReadinessTest {

    record Provider(String name, boolean configured) implements ProviderDescriptor {
        @Override
        public List<String> models() {
            return List.of();
        }

        @Override
        public String keyHint() {
            return name.toUpperCase() + "_API_KEY";
        }
    }

    @Test
    void notReadyWithoutProvidersOrWithoutKeys() throws Exception {
        ProviderRegistry registry = new ProviderRegistry();
        assertThat(ProviderReadiness.probe(registry).call()).isEqualTo("no provider routes are loaded");

        registry.register(new Provider("openai", false));
        assertThat(ProviderReadiness.probe(registry).call()).contains("none of the 1 providers", "OPENAI_API_KEY");

        registry.register(new Provider("groq", true));
        assertThat(ProviderReadiness.probe(registry).call()).isNull();
    }
}
