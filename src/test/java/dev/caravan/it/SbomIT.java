package dev.caravan.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build's CycloneDX SBOM describes what the jar ships: every runtime dependency with its exact version and
 * package URL, none of the test-only libraries, and the jar itself as the described component.
 */
class SbomIT {

    static final Path SBOM = Path.of("target/caravan-sbom.json");

    @Test
    void sbomListsTheShippedDependenciesWithPinnedVersions() throws Exception {
        assertThat(SBOM).exists();
        JsonNode bom = Json.MAPPER.readTree(Files.readAllBytes(SBOM));
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.at("/metadata/component/name").asText()).isEqualTo("caravan");

        List<String> purls = new ArrayList<>();
        for (JsonNode c : bom.path("components")) {
            assertThat(c.path("version").asText()).as("version of %s", c.path("name").asText()).isNotBlank();
            purls.add(c.path("purl").asText());
        }
        assertThat(purls).anyMatch(p -> p.startsWith("pkg:maven/org.apache.camel/camel-netty-http@4.18.0"));
        assertThat(purls).anyMatch(p -> p.startsWith("pkg:maven/com.fasterxml.jackson.core/jackson-databind@"));
        assertThat(purls).noneMatch(p -> p.contains("/junit-jupiter") || p.contains("/assertj-core")
                || p.contains("/openai-java") || p.contains("/camel-test"));

        // every class package of a listed library the jar holds is accounted for: spot-check two shaded ones
        try (JarFile jar = new JarFile("target/caravan.jar")) {
            assertThat(jar.getEntry("org/apache/camel/component/netty/http/NettyHttpComponent.class")).isNotNull();
            assertThat(jar.getEntry("com/fasterxml/jackson/databind/ObjectMapper.class")).isNotNull();
        }
    }
}
