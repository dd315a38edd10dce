package dev.caravan.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP call to a provider, fully built by a request translator: nothing from the client's request headers
 * reaches the upstream unless a translator put it here.
 *
 * @param provider provider name, for errors and logs (never the URL: it may carry a key)
 * @param uri      target
 * @param headers  exactly the headers to send (auth included)
 * @param body     JSON body
 * @param stream   whether the reply is an SSE stream
 * @param timeout  per-attempt bound: until the whole reply (non-stream) or the first event (stream)
 * @param idle     longest silence allowed between two stream events
 * @param translator for streams: reads this provider's events (a fresh instance per call)
 */
public record UpstreamRequest(String provider, URI uri, Map<String, String> headers, byte[] body, boolean stream,
        Duration timeout, Duration idle, StreamTranslator translator) {
}
