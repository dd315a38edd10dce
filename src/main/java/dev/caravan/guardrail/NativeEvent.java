package dev.caravan.guardrail;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.provider.SseCodec;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamEncoder.Verbatim;

/**
 * One event of a native pass-through stream (Anthropic Messages, OpenAI Responses) as the guardrails read it:
 * its {@code event:} type and its JSON {@code data}, framed again after a change.
 */
record NativeEvent(String type, ObjectNode data) {

    /** The event of a framed {@code event: <type>\ndata: <json>\n\n}; null when it has no type or no JSON object. */
    static NativeEvent of(Verbatim v) {
        String frame = new String(v.bytes(), StandardCharsets.UTF_8);
        String type = null;
        StringBuilder data = new StringBuilder();
        for (String line : frame.split("\n")) {
            if (line.startsWith("event:")) {
                type = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).stripLeading());
            }
        }
        if (type == null || data.length() == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(data.toString()) instanceof ObjectNode o ? new NativeEvent(type, o) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The event framed for the client. */
    Verbatim frame() {
        return new Verbatim(SseCodec.event(type, StreamEncoder.json(data)));
    }
}
