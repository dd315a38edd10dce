package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain reading of a usage object gives what Jackson's data binding gives, or leaves the object to it. */
class UsageTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"prompt_tokens\":27,\"completion_tokens\":42,\"total_tokens\":69}",
        "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,\"prompt_tokens_details\":"
                + "{\"cached_tokens\":4,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":3,"
                + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":1}}",
        "{\"prompt_tokens\":1,\"completion_tokens\":null,\"queue_time\":0.02,\"x\":{\"y\":[1,2]},"
                + "\"prompt_tokens_details\":{\"cached_tokens\":null,\"cache_write_tokens\":7,\"other\":\"z\"},"
                + "\"completion_tokens_details\":null}",
        "{}"
    })
    void plainUsageIsReadAsDataBindingReadsIt(String json) throws Exception {
        JsonNode tree = Json.MAPPER.readTree(json);
        Usage plain = Usage.fromPlainTree(tree);
        assertThat(plain).isNotNull().isEqualTo(Json.MAPPER.treeToValue(tree, Usage.class));
        assertThat(Json.MAPPER.valueToTree(plain).toString())
                .isEqualTo(Json.MAPPER.valueToTree(Json.MAPPER.treeToValue(tree, Usage.class)).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"prompt_tokens\":\"12\",\"completion_tokens\":3}",
        "{\"prompt_tokens\":12.5,\"completion_tokens\":3}",
        "{\"prompt_tokens\":1,\"prompt_tokens_details\":[1]}",
        "{\"prompt_tokens\":1,\"completion_tokens_details\":{\"reasoning_tokens\":true}}"
    })
    void anythingElseIsLeftToDataBinding(String json) throws Exception {
        assertThat(Usage.fromPlainTree(Json.MAPPER.readTree(json))).isNull();
    }
}
