package dev.caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads and writes catalog files. Reading is strict about types and unknown fields (a typo in
 * {@code config/models.yaml} is an error that names the line, not a silently ignored price); numbers are read as
 * {@link BigDecimal} so prices stay exact. Writing uses block style for entries and flow style for short lists
 * and rate sets, which keeps the generated file readable.
 */
public final class CatalogYaml {

    static final ObjectMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .addModule(new JavaTimeModule())
            .build();

    private CatalogYaml() {
    }

    public static CatalogFile read(InputStream in) throws IOException {
        CatalogFile f = MAPPER.readValue(in, CatalogFile.class);
        return f == null ? new CatalogFile(null, null, null) : f;
    }

    /** YAML text of {@code file}, preceded by {@code header} (comment lines, each starting with '#'). */
    public static String write(CatalogFile file, String header) {
        Map<String, Object> tree = MAPPER.convertValue(file, new TypeReference<LinkedHashMap<String, Object>>() { });
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.AUTO);
        o.setWidth(120);
        o.setIndent(2);
        o.setIndicatorIndent(2);
        o.setIndentWithIndicator(true);
        return header + new Yaml(new PlainNumbers(o), o).dump(tree);
    }

    /** Writes BigDecimal prices as plain decimals (0.0000375, not 3.75E-5). */
    private static final class PlainNumbers extends Representer {
        PlainNumbers(DumperOptions o) {
            super(o);
            Represent decimal = data -> {
                String plain = ((BigDecimal) data).stripTrailingZeros().toPlainString();
                return representScalar(plain.indexOf('.') >= 0 ? Tag.FLOAT : Tag.INT, plain);
            };
            this.representers.put(BigDecimal.class, decimal);
        }
    }
}
