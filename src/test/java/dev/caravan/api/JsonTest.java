package dev.caravan.api;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A client's body with a repeated key is refused; a provider's reply is read without tracking keys. */
class JsonTest {

    private static final byte[] REPEATED = "{\"a\":1,\"b\":{\"c\":1,\"c\":2},\"a\":3}".getBytes(StandardCharsets.UTF_8);

    @Test
    void clientBodiesWithARepeatedKeyAreRefused() {
        assertThatThrownBy(() -> Json.MAPPER.readTree(REPEATED)).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field");
    }

    @Test
    void repliesAreReadWithoutTrackingKeys() throws Exception {
        assertThat(Json.REPLIES.readTree(REPEATED).toString()).isEqualTo("{\"a\":3,\"b\":{\"c\":2}}");
        try (JsonParser p = Json.REPLIES.createParser(REPEATED)) {
            int tokens = 0;
            while (p.nextToken() != null) {
                tokens++;
            }
            assertThat(tokens).isEqualTo(13);
        }
    }
}
