package dev.caravan.provider.anthropic;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

import dev.caravan.api.Json;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamTranslator;

/**
 * A native Anthropic stream on its way to an Anthropic client: every event is forwarded as sent
 * ({@link StreamEncoder.Verbatim}), never buffered; only message_start and message_delta are parsed, for the
 * usage the ledger and budgets need. An {@code error} event before anything was forwarded fails the attempt (the
 * next deployment may answer); after, it is forwarded and ends the stream.
 */
public final class AnthropicNativeStreamTranslator implements StreamTranslator {

    private AnthropicWire.Usage usage;
    private boolean forwarded;

    @Override
    public void onEvent(SseEvent event, ChunkSink out) throws Exception {
        String type = event.event() == null ? "" : event.event();
        switch (type) {
            case "message_start" -> {
                JsonNode m = Json.REPLIES.readTree(event.data()).path("message");
                out.meta(m.path("id").asText(null), System.currentTimeMillis() / 1000, m.path("model").asText(null));
                usage(m.get("usage"), out);
            }
            case "message_delta" -> {
                JsonNode d = Json.REPLIES.readTree(event.data());
                usage(d.get("usage"), out);
                if (!d.path("delta").path("stop_reason").isNull()) {
                    out.finished();
                }
            }
            case "error" -> {
                AnthropicWire.ErrorReply e = Json.MAPPER.readValue(event.data(), AnthropicWire.ErrorReply.class);
                if (forwarded) {
                    out.chunk(new StreamEncoder.Verbatim(frame(event)));
                }
                out.error(AnthropicMapping.status(e.error()), AnthropicMapping.error(e.error()));
                return;
            }
            default -> {
                // content blocks, ping, message_stop and event types added later: forwarded unread
            }
        }
        forwarded = true;
        out.chunk(new StreamEncoder.Verbatim(frame(event)));
        if ("message_stop".equals(type)) {
            out.done();
        }
    }

    private void usage(JsonNode u, ChunkSink out) {
        if (u != null && u.isObject()) {
            usage = AnthropicMapping.merge(usage, Json.MAPPER.convertValue(u, AnthropicWire.Usage.class));
            out.usage(AnthropicMapping.usage(usage));
        }
    }

    /** The event framed again as it came: its name, then its data (one data line per line). */
    static byte[] frame(SseEvent event) {
        StringBuilder sb = new StringBuilder(event.data().length() + 32);
        if (event.event() != null) {
            sb.append("event: ").append(event.event()).append('\n');
        }
        for (String line : event.data().split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
