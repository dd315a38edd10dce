package dev.caravan.provider;

import java.nio.charset.StandardCharsets;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A reply read from the wire keeps Netty's headers until they are asked for, then answers as before. */
class UpstreamResponseTest {

    @Test
    void headersReadFromTheWireAreCaseInsensitiveAndKeepEveryValue() {
        DefaultHttpHeaders wire = new DefaultHttpHeaders();
        wire.add("Retry-After", "7");
        wire.add("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/");
        wire.add("Set-Cookie", "a=1");
        wire.add("set-cookie", "b=2");
        UpstreamResponse r = UpstreamResponse.read(429, wire, "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(r.ok()).isFalse();
        assertThat(r.retryAfterSeconds()).isEqualTo(7L);
        assertThat(r.headers().firstValue("X-AMZN-ERRORTYPE")).hasValue("ThrottlingException:http://internal.amazon.com/");
        assertThat(r.headers().allValues("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(r.headers()).isSameAs(r.headers());
    }

    @Test
    void aReplyMadeWithoutHeadersHasNone() {
        UpstreamResponse r = new UpstreamResponse(200, null, new byte[0]);
        assertThat(r.headers()).isNull();
        assertThat(r.retryAfterSeconds()).isNull();
        assertThat(r.ok()).isTrue();
    }
}
