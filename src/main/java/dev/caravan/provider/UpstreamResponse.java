package dev.caravan.provider;

import java.net.http.HttpHeaders;

/** A complete, non-streamed upstream reply (or the error reply of a stream request). */
public record UpstreamResponse(int status, HttpHeaders headers, byte[] body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** {@code retry-after} (or {@code retry-after-ms}) in whole seconds, when the upstream sent one. */
    public Long retryAfterSeconds() {
        return RetryAfter.seconds(headers);
    }
}
