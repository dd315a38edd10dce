package dev.caravan.catalog;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

import static org.assertj.core.api.Assertions.assertThat;

/** Cost of every token kind against hand-computed values (fixtures/pricing/cases.yaml). */
class PricingTest {

    static final FilePriceCatalog CATALOG = new FilePriceCatalog(null);

    record Case(String name, JsonNode node) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws Exception {
        try (InputStream in = PricingTest.class.getResourceAsStream("/fixtures/pricing/cases.yaml")) {
            List<Case> out = new ArrayList<>();
            CatalogYaml.MAPPER.readTree(in).forEach(n -> out.add(new Case(n.get("name").asText(), n)));
            return out.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void costMatchesTheHandComputedValue(Case c) throws Exception {
        JsonNode n = c.node();
        ModelInfo model = n.has("catalog") ? CATALOG.find(n.get("catalog").asText()).orElseThrow()
                : CatalogYaml.MAPPER.treeToValue(n.get("model"), ModelInfo.class);
        Instant at = n.has("at") ? Instant.parse(n.get("at").asText()) : Instant.parse("2026-05-01T12:00:00Z");
        Usage usage = Json.MAPPER.treeToValue(n.get("usage"), Usage.class);
        Cost cost = Pricing.cost(model, TokenCounts.of(usage), at);

        Map<String, BigDecimal> parts = Map.of("total", cost.total(), "input", cost.input(), "cache_read",
                cost.cacheRead(), "cache_write", cost.cacheWrite(), "output", cost.output(), "reasoning",
                cost.reasoning(), "audio", cost.audio(), "request_fee", cost.requestFee());
        JsonNode expected = n.get("expected");
        for (Map.Entry<String, BigDecimal> p : parts.entrySet()) {
            BigDecimal want = expected.has(p.getKey()) ? new BigDecimal(expected.get(p.getKey()).asText())
                    : BigDecimal.ZERO;
            assertThat(p.getValue()).as(p.getKey()).isEqualByComparingTo(want);
            assertThat(p.getValue().scale()).as(p.getKey() + " scale").isEqualTo(Cost.SCALE);
        }
        assertThat(cost.units()).isEqualTo(cost.total().movePointRight(Cost.SCALE).longValueExact());
    }

    @Test
    void worstCaseChargesEveryPromptTokenAtTheDearestInputRateAndEveryOutputTokenAtTheDearestOutputRate() {
        ModelInfo m = new ModelInfo("t", "m", null, null, 100_000, 8_000, null,
                new Rates(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.3"), new BigDecimal("3.75"),
                        new BigDecimal("20"), null, null, null),
                null, null, null, null, null, "test", "2026-01-01");
        Cost c = Pricing.worstCase(m, 1000, 500, Instant.parse("2026-05-01T00:00:00Z"));
        // 1000 x 3.75 -> 0.00375; 500 x 20 -> 0.01
        assertThat(c.total()).isEqualByComparingTo("0.01375");
    }

    @Test
    void decimalTextHasNoExponent() {
        assertThat(Cost.plain(new BigDecimal("0.0000031500"))).isEqualTo("0.00000315");
        assertThat(Cost.plain(Cost.ZERO.total())).isEqualTo("0");
    }
}
