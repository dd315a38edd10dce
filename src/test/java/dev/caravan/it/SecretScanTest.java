package dev.caravan.it;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.ResponseRecorder;
import dev.caravan.testing.SecretScan;

import static org.assertj.core.api.Assertions.assertThat;

/** The scan LogSecrecyIT runs over the replies and logs of the test run finds a secret planted in either. */
class SecretScanTest {

    static final String VIRTUAL = "sk-cvn-" + "A".repeat(20) + "b_c-d".repeat(4) + "xyz";
    static final String CREATED = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n\r\n"
            + "{\"object\":\"key\",\"id\":\"key_1\",\"key_prefix\":\"sk-cvn-AAAAAA…\",\"key\":\"" + VIRTUAL + "\"}";

    static String recorded(String... nameAndBytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < nameAndBytes.length; i += 2) {
            sb.append(ResponseRecorder.MARKER).append(nameAndBytes[i]).append('\n').append(nameAndBytes[i + 1]);
        }
        return sb.toString();
    }

    @Test
    void aVirtualKeyShownOnlyInItsCreationIsNoLeak() {
        assertThat(VIRTUAL).matches(SecretScan.VIRTUAL_KEY);
        Map<String, String> replies = SecretScan.replies(recorded("c1 1 POST /admin/keys", CREATED,
                "c2 2 GET /admin/keys/key_1", "HTTP/1.1 200 OK\r\n\r\n{\"key_prefix\":\"sk-cvn-AAAAAA…\"}"));
        Map<String, List<String>> showings = new java.util.HashMap<>();
        SecretScan.showings(replies, showings);
        assertThat(showings).containsOnlyKeys(VIRTUAL);
        assertThat(SecretScan.allLeaks(replies, List.of(GatewayTestSupport.PROVIDER_KEY))).isEmpty();
    }

    @Test
    void aPlantedProviderKeyInAReplyIsFound() {
        Map<String, String> replies = SecretScan.replies(recorded("c1 1 POST /v1/chat/completions",
                "HTTP/1.1 401\r\n\r\n{\"error\":{\"message\":\"bad key " + GatewayTestSupport.PROVIDER_KEY + "\"}}"));
        assertThat(SecretScan.allLeaks(replies, LogSecrecyIT.TEST_SECRETS)).hasSize(1);
    }

    @Test
    void aVirtualKeyInAnyOtherReplyIsFound() {
        Map<String, String> replies = SecretScan.replies(recorded("c1 1 POST /admin/keys", CREATED,
                "c2 2 GET /admin/keys/key_1", "HTTP/1.1 200 OK\r\n\r\n{\"key\":\"" + VIRTUAL + "\"}"));
        assertThat(SecretScan.allLeaks(replies, List.of())).singleElement().asString().contains("virtual key");
        // shown twice in its own creation reply is a leak as well
        Map<String, String> twice = SecretScan.replies(recorded("c1 1 POST /admin/keys", CREATED + VIRTUAL));
        assertThat(SecretScan.allLeaks(twice, List.of())).hasSize(1);
    }

    @Test
    void aReplySplitBetweenInterleavedRunsIsJoined() {
        String half = VIRTUAL.substring(0, 20);
        Map<String, String> replies = SecretScan.replies(recorded("c1 1 GET /v1/models", "HTTP/1.1 200 OK\r\n\r\n"
                + half, "c2 2 GET /health", "HTTP/1.1 200 OK", "c1 1 GET /v1/models", VIRTUAL.substring(20)));
        assertThat(SecretScan.allLeaks(replies, List.of())).hasSize(1);
    }

    @Test
    void aVirtualKeyInALogIsFound() {
        assertThat(SecretScan.logLeaks("x-output.txt", "12:00 INFO created " + VIRTUAL, List.of(VIRTUAL)))
                .hasSize(1);
        assertThat(SecretScan.logLeaks("x-output.txt", "12:00 INFO created key_1", List.of(VIRTUAL))).isEmpty();
    }
}
