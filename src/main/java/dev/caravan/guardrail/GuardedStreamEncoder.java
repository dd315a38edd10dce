package dev.caravan.guardrail;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.provider.StreamEncoder;

/**
 * Masks or blocks a stream's assistant text chunk by chunk, in front of the client API's encoder. The text of
 * the first choice is buffered; each chunk releases all of it but the last {@code streamLookBehind} characters
 * (and any match reaching into them), masked, so a pattern split across chunks is still seen whole. The delay is
 * bounded: at most {@code streamLookBehind} characters (plus a match still growing) are held, and everything is
 * released, masked, with the chunk that carries the finish reason or at the stream's end. A block throws the
 * guardrail's rejection: before the client saw anything it becomes the call's 400, after it the stream ends with
 * an error event in the client API's format.
 */
final class GuardedStreamEncoder implements StreamEncoder {

    private final MatchingGuardrail guard;
    private final StreamEncoder next;
    private final Consumer<Verdict> verdicts;
    private final StringBuilder held = new StringBuilder();
    private ObjectNode lastChunk;
    private boolean masked;

    GuardedStreamEncoder(MatchingGuardrail guard, StreamEncoder next, Consumer<Verdict> verdicts) {
        this.guard = guard;
        this.next = next;
        this.verdicts = verdicts;
    }

    @Override
    public void chunk(Object chunk, Consumer<byte[]> out) {
        if (chunk instanceof Verbatim v) {
            verbatim(v, out);
            return;
        }
        ObjectNode node = chunk instanceof ObjectNode o ? o : Json.MAPPER.valueToTree(chunk);
        JsonNode choice = node.path("choices").path(0);
        if (!(choice.path("delta") instanceof ObjectNode delta) || choice.path("index").asInt(0) != 0) {
            next.chunk(node, out);
            return;
        }
        lastChunk = node;
        boolean hadText = delta.path("content").isTextual();
        if (hadText) {
            held.append(delta.get("content").textValue());
        }
        boolean finish = !choice.path("finish_reason").isNull() && !choice.path("finish_reason").isMissingNode();
        String release = release(finish);
        if (!release.isEmpty() || hadText) {
            delta.put("content", release);
        }
        if (hadText && release.isEmpty() && !finish && delta.size() == 1) {
            return; // nothing to say yet: the text is held
        }
        next.chunk(node, out);
    }

    /** Masks and takes what may leave now: everything at the end, else all but the look-behind window. */
    private String release(boolean all) {
        String text = held.toString();
        List<Finding> found = guard.find(text);
        if (!found.isEmpty() && guard.rejects()) {
            held.setLength(0);
            verdicts.accept(Verdict.BLOCK);
            throw guard.rejection("response", guard.why(found));
        }
        int cut = all ? text.length() : Math.max(0, text.length() - guard.streamLookBehind());
        for (Finding f : found) {
            if (f.start() < cut && f.end() > cut) {
                cut = f.start();
            }
        }
        if (cut > 0 && cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        for (Finding f : found) {
            if (f.end() <= cut) {
                masked = true;
            }
        }
        String out = Masking.mask(text, found, cut);
        held.delete(0, cut);
        return out;
    }

    // ---- native pass-through streams: Anthropic Messages and OpenAI Responses events, forwarded as framed ----

    /** One framed event ({@code event: <type>\ndata: <json>\n\n}): text deltas filtered, full texts masked. */
    private void verbatim(Verbatim v, Consumer<byte[]> out) {
        NativeEvent ev = NativeEvent.of(v);
        if (ev == null) {
            next.chunk(v, out);
            return;
        }
        String type = ev.type();
        ObjectNode d = ev.data();
        switch (type) {
            case "content_block_delta" -> {
                if (!"text_delta".equals(d.path("delta").path("type").asText()) || !d.path("delta").path("text").isTextual()) {
                    break;
                }
                held.append(d.path("delta").path("text").textValue());
                String release = release(false);
                if (release.isEmpty()) {
                    return;
                }
                ((ObjectNode) d.get("delta")).put("text", release);
            }
            case "content_block_stop" -> {
                if (held.length() > 0) {
                    ObjectNode tail = Json.MAPPER.createObjectNode().put("type", "content_block_delta")
                            .put("index", d.path("index").asInt());
                    tail.putObject("delta").put("type", "text_delta").put("text", release(true));
                    send(new NativeEvent("content_block_delta", tail), out);
                }
            }
            case "response.output_text.delta" -> {
                held.append(d.path("delta").asText(""));
                String release = release(false);
                if (release.isEmpty()) {
                    return;
                }
                d.put("delta", release);
            }
            case "response.output_text.done" -> {
                if (held.length() > 0) {
                    ObjectNode tail = Json.MAPPER.createObjectNode().put("type", "response.output_text.delta");
                    for (String f : new String[] {"item_id", "output_index", "content_index"}) {
                        if (d.has(f)) {
                            tail.set(f, d.get(f));
                        }
                    }
                    tail.put("delta", release(true));
                    send(new NativeEvent("response.output_text.delta", tail), out);
                }
                maskWhole(d, "text");
            }
            case "response.content_part.added", "response.content_part.done" -> {
                if (d.get("part") instanceof ObjectNode part) {
                    maskWhole(part, "text");
                }
            }
            case "response.output_item.added", "response.output_item.done" -> {
                for (JsonNode c : d.path("item").path("content")) {
                    if (c instanceof ObjectNode part) {
                        maskWhole(part, "text");
                    }
                }
            }
            case "response.created", "response.in_progress", "response.completed", "response.incomplete",
                    "response.failed" -> {
                if (d.get("response") instanceof ObjectNode r) {
                    for (TextSlots.Slot slot : TextSlots.answer(r)) {
                        maskWhole(slot.parent(), slot.field());
                    }
                }
            }
            default -> {
                next.chunk(v, out);
                return;
            }
        }
        send(ev, out);
    }

    private void send(NativeEvent e, Consumer<byte[]> out) {
        next.chunk(e.frame(), out);
    }

    /** A complete text the stream repeats at its end (done events): masked (or blocked) as a whole. */
    private void maskWhole(ObjectNode parent, String field) {
        if (parent == null || !parent.path(field).isTextual()) {
            return;
        }
        String text = parent.get(field).textValue();
        List<Finding> found = guard.find(text);
        if (found.isEmpty()) {
            return;
        }
        if (guard.rejects()) {
            verdicts.accept(Verdict.BLOCK);
            throw guard.rejection("response", guard.why(found));
        }
        masked = true;
        parent.put(field, Masking.mask(text, found));
    }

    @Override
    public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
        flush(id, created, model, out);
        next.end(usage, id, created, model, out);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> endDeferred(Usage usage, String id, long created,
            String model, Consumer<byte[]> out) {
        flush(id, created, model, out);
        return next.endDeferred(usage, id, created, model, out);
    }

    /** Releases what is still held (masked) in a chunk of its own, and counts the stream's verdict. */
    private void flush(String id, long created, String model, Consumer<byte[]> out) {
        if (held.length() > 0 && lastChunk != null) {
            ObjectNode tail = Json.MAPPER.createObjectNode();
            tail.put("id", lastChunk.path("id").asText(id));
            tail.put("object", "chat.completion.chunk");
            tail.put("created", lastChunk.path("created").asLong(created));
            tail.put("model", lastChunk.path("model").asText(model));
            ObjectNode choice = tail.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("delta").put("content", release(true));
            choice.putNull("finish_reason");
            next.chunk(tail, out);
        }
        verdicts.accept(masked ? Verdict.MASK : Verdict.ALLOW);
    }

    @Override
    public void error(ApiError error, int status, Consumer<byte[]> out) {
        next.error(error, status, out);
    }
}
