package dev.caravan.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The one Jackson mapper of the gateway. OpenAI and Anthropic wire names are snake_case, so that is the
 * default; Gemini records override it with {@code @JsonNaming}. Null fields are left out unless a record
 * says otherwise (OpenAI's required-but-nullable fields use {@code @JsonInclude(ALWAYS)}).
 */
public final class Json {

    public static final ObjectMapper MAPPER = mapper(true);

    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Reads replies from upstream providers (whole bodies and stream events) into trees. Unlike {@link #MAPPER},
     * which refuses a client's body with a duplicated key, it does not track each object's keys (a hash set per
     * JSON object, a few KB per reply, per stream event too); a provider's reply is not the client's input.
     */
    public static final ObjectReader REPLIES = mapper(false).reader();

    private Json() {
    }

    /**
     * The gateway's mapper, with or without tracking each object's keys. The tracking is set on the mapper's
     * factory: an {@code ObjectReader.without(STRICT_DUPLICATE_DETECTION)} clears the parser's flag but keeps the
     * duplicate detector its factory gave it (Jackson 2.19), so it went on refusing and allocating.
     */
    private static ObjectMapper mapper(boolean strictKeys) {
        ObjectMapper m = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, strictKeys)
                .build();
        // bodies are bounded by caravan.api.max-body-bytes; allow long base64 strings (images) inside them
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(64 * 1024 * 1024).maxNestingDepth(200).build());
        return m;
    }

    /**
     * Reads a client's request body. Jackson detects the encoding of bytes; a body starting with NUL bytes is taken
     * for UTF-16/32 and fails with a {@link java.io.CharConversionException}, which is reported here as the parse
     * error it is (so every API answers it with 400, not 500).
     */
    public static com.fasterxml.jackson.databind.JsonNode readRequest(java.io.InputStream in)
            throws java.io.IOException {
        try {
            return MAPPER.readTree(in);
        } catch (java.io.CharConversionException e) {
            throw new com.fasterxml.jackson.core.JsonParseException(null, "the body is not UTF-8 text");
        }
    }
}
