package dev.caravan.cache;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An answer is cached as the provider sent it (a reply kept as its bytes), so a key the provider repeated reaches
 * the cache: the second level stores and reads it back without refusing it.
 */
class CachedAnswerTest {

    @Test
    void anAnswerWithARepeatedKeyIsStoredAndReadBack() throws Exception {
        byte[] body = "{\"id\":\"a\",\"id\":\"b\",\"choices\":[{\"message\":{\"content\":\"hi\"}}]}"
                .getBytes(StandardCharsets.UTF_8);
        CachedAnswer a = new CachedAnswer(new ResponseCache.Answer(body, new Usage(3L, 1L, 4L, null, null, null),
                null, "openai", "gpt-4o-mini"), System.currentTimeMillis() + 60_000);

        CachedAnswer back = CachedAnswer.read(a.write());

        assertThat(back).isNotNull();
        assertThat(Json.REPLIES.readTree(back.answer().body()).toString())
                .isEqualTo("{\"id\":\"b\",\"choices\":[{\"message\":{\"content\":\"hi\"}}]}");
        assertThat(back.answer().usage().prompt()).isEqualTo(3L);
        assertThat(back.answer().provider()).isEqualTo("openai");
    }
}
