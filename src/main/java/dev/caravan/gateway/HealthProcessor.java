package dev.caravan.gateway;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code GET /health}: liveness, no authentication, no dependency checked. */
public final class HealthProcessor implements Processor {

    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public void process(Exchange exchange) {
        HttpReplies.json(exchange, 200, OK, Map.of());
    }
}
