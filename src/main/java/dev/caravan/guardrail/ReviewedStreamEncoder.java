package dev.caravan.guardrail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ApiException;
import dev.caravan.provider.StreamEncoder;

/**
 * Holds a whole streamed answer while a webhook guardrail reviews its assembled text: nothing of the answer reaches
 * the client before the review replied. At the stream's end the first choice's text (on a native pass-through, the
 * text of its text deltas) is sent as a {@code chat.completion}; {@code allow} releases the held events unchanged,
 * {@code mask} releases them with the reviewed text in place of the answer's (in the first text event; later text
 * events are dropped and the full texts a native stream repeats are replaced), {@code block} drops them and the
 * stream ends with the rejection as an error event. An answer longer than {@code maxChars} is not reviewed: a
 * guardrail that fails open releases it unreviewed (verdict {@code error}), one that fails closed ends the stream.
 */
final class ReviewedStreamEncoder implements StreamEncoder {

    private final WebhookGuardrail guard;
    private final StreamEncoder next;
    private final Consumer<Verdict> verdicts;
    /** The held events in order, as they came: chat chunks (records or trees) and native events' frames. */
    private final List<Object> held = new ArrayList<>();
    /** The answer's texts by part (the chat choice, an Anthropic content block, a Responses content part). */
    private final Map<String, StringBuilder> parts = new LinkedHashMap<>();
    private int chars;
    private boolean passThrough;
    private String id;
    private String model;
    private String finish;

    ReviewedStreamEncoder(WebhookGuardrail guard, StreamEncoder next, Consumer<Verdict> verdicts) {
        this.guard = guard;
        this.next = next;
        this.verdicts = verdicts;
    }

    @Override
    public void chunk(Object chunk, Consumer<byte[]> out) {
        if (passThrough) {
            next.chunk(chunk, out);
            return;
        }
        if (chunk instanceof Verbatim v) {
            NativeEvent ev = NativeEvent.of(v);
            if (ev != null) {
                text(ev);
            }
        } else {
            text(chunk instanceof ObjectNode o ? o : Json.MAPPER.valueToTree(chunk));
        }
        held.add(chunk);
        if (chars > guard.streamMaxChars()) {
            overflow(out);
        }
    }

    private void text(ObjectNode node) {
        id = node.path("id").asText(id);
        model = node.path("model").asText(model);
        for (JsonNode choice : node.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            if (choice.path("finish_reason").isTextual()) {
                finish = choice.get("finish_reason").textValue();
            }
            if (choice.path("delta").path("content").isTextual()) {
                append("chat", choice.path("delta").get("content").textValue());
            }
        }
    }

    private void text(NativeEvent ev) {
        JsonNode d = ev.data();
        switch (ev.type()) {
            case "message_start" -> {
                id = d.path("message").path("id").asText(id);
                model = d.path("message").path("model").asText(model);
            }
            case "content_block_delta" -> {
                if ("text_delta".equals(d.path("delta").path("type").asText()) && d.path("delta").path("text").isTextual()) {
                    append(anthropicPart(d), d.path("delta").get("text").textValue());
                }
            }
            case "message_delta" -> finish = d.path("delta").path("stop_reason").asText(finish);
            case "response.created" -> {
                id = d.path("response").path("id").asText(id);
                model = d.path("response").path("model").asText(model);
            }
            case "response.output_text.delta" -> append(responsesPart(d.path("output_index").asInt(),
                    d.path("content_index").asInt()), d.path("delta").asText(""));
            default -> {
            }
        }
    }

    private void append(String part, String text) {
        parts.computeIfAbsent(part, k -> new StringBuilder()).append(text);
        chars += text.length();
    }

    private static String anthropicPart(JsonNode d) {
        return "block:" + d.path("index").asInt();
    }

    private static String responsesPart(int output, int content) {
        return "part:" + output + ":" + content;
    }

    /** Too long to review: released unreviewed when the guardrail fails open, else refused. */
    private void overflow(Consumer<byte[]> out) {
        if (!guard.failsOpen()) {
            held.clear();
            verdicts.accept(Verdict.BLOCK);
            throw guard.rejection("response", "the answer is longer than the " + guard.streamMaxChars()
                    + " characters it reviews");
        }
        verdicts.accept(Verdict.ERROR);
        passThrough = true;
        release(null, out);
    }

    @Override
    public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
        // only for a wrapper that does not pass deferred ends on: waits for the review
        CompletableFuture<Void> f = endDeferred(usage, id, created, model, out);
        if (f != null) {
            try {
                f.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }

    @Override
    public CompletableFuture<Void> endDeferred(Usage usage, String id, long created, String model,
            Consumer<byte[]> out) {
        String text = String.join("", parts.values());
        if (passThrough || text.isEmpty()) {
            if (!passThrough) {
                verdicts.accept(Verdict.ALLOW);
                release(null, out);
            }
            return next.endDeferred(usage, id, created, model, out);
        }
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", this.id != null ? this.id : id).put("object", "chat.completion")
                .put("model", this.model != null ? this.model : model);
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", finish);
        CompletableFuture<Verdict> review;
        try {
            review = guard.answerAsync(completion);
        } catch (ApiException e) {
            review = CompletableFuture.failedFuture(e);
        }
        return review.handle((v, err) -> {
            Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (c != null) {
                held.clear();
                if (c instanceof ApiException a && WebhookGuardrail.CODE.equals(a.code())) {
                    verdicts.accept(Verdict.BLOCK);
                }
                throw c instanceof RuntimeException r ? r : new CompletionException(c);
            }
            verdicts.accept(v);
            release(v == Verdict.MASK ? completion.at("/choices/0/message/content").asText() : null, out);
            return next.endDeferred(usage, id, created, model, out);
        }).thenCompose(f -> f == null ? CompletableFuture.completedFuture(null) : f);
    }

    /** Sends the held events on, with {@code replacement} (when not null) as the answer's whole text. */
    private void release(String replacement, Consumer<byte[]> out) {
        String first = parts.isEmpty() ? null : parts.keySet().iterator().next();
        boolean placed = false;
        for (Object item : held) {
            if (replacement == null) {
                next.chunk(item, out);
                continue;
            }
            NativeEvent e = item instanceof Verbatim v ? NativeEvent.of(v) : null;
            if (item instanceof Verbatim && e == null) {
                next.chunk(item, out);
            } else if (e == null) {
                ObjectNode node = item instanceof ObjectNode o ? o : Json.MAPPER.valueToTree(item);
                if (placeChat(node, placed ? null : replacement)) {
                    placed = true;
                } else if (node.path("choices").size() == 1 && !node.hasNonNull("usage")
                        && node.path("choices").path(0).path("delta").isEmpty()
                        && node.path("choices").path(0).path("finish_reason").isNull()) {
                    continue; // held only text that the replacement now carries
                }
                next.chunk(node, out);
            } else {
                String part = deltaPart(e);
                if (part != null) {
                    if (placed || !part.equals(first)) {
                        continue;
                    }
                    setDelta(e, replacement);
                    placed = true;
                } else {
                    replaceFullTexts(e, first, replacement);
                }
                next.chunk(e.frame(), out);
            }
        }
        held.clear();
    }

    /** Puts {@code text} in place of the chunk's text (removes it when null); true when the chunk had text. */
    private static boolean placeChat(ObjectNode node, String text) {
        for (JsonNode choice : node.path("choices")) {
            if (choice.path("index").asInt(0) == 0 && choice.path("delta") instanceof ObjectNode delta
                    && delta.path("content").isTextual()) {
                if (text == null) {
                    delta.remove("content");
                    return false;
                }
                delta.put("content", text);
                return true;
            }
        }
        return false;
    }

    /** The part a native text delta belongs to; null for other events. */
    private static String deltaPart(NativeEvent e) {
        JsonNode d = e.data();
        if (e.type().equals("content_block_delta") && "text_delta".equals(d.path("delta").path("type").asText())) {
            return anthropicPart(d);
        }
        if (e.type().equals("response.output_text.delta")) {
            return responsesPart(d.path("output_index").asInt(), d.path("content_index").asInt());
        }
        return null;
    }

    private static void setDelta(NativeEvent e, String text) {
        if (e.type().equals("content_block_delta")) {
            ((ObjectNode) e.data().get("delta")).put("text", text);
        } else {
            e.data().put("delta", text);
        }
    }

    /** The full texts a Responses stream repeats (done events, the response object): the reviewed text. */
    private static void replaceFullTexts(NativeEvent e, String first, String replacement) {
        ObjectNode d = e.data();
        switch (e.type()) {
            case "response.output_text.done" -> setText(d, "text",
                    responsesPart(d.path("output_index").asInt(), d.path("content_index").asInt()), first, replacement);
            case "response.content_part.added", "response.content_part.done" -> {
                if (d.get("part") instanceof ObjectNode part) {
                    setText(part, "text", responsesPart(d.path("output_index").asInt(), d.path("content_index").asInt()),
                            first, replacement);
                }
            }
            case "response.output_item.added", "response.output_item.done" ->
                    item(d.path("item"), d.path("output_index").asInt(), first, replacement);
            case "response.created", "response.in_progress", "response.completed", "response.incomplete",
                    "response.failed" -> {
                JsonNode output = d.path("response").path("output");
                for (int i = 0; i < output.size(); i++) {
                    item(output.get(i), i, first, replacement);
                }
            }
            default -> {
            }
        }
    }

    private static void item(JsonNode item, int output, String first, String replacement) {
        JsonNode content = item.path("content");
        for (int j = 0; j < content.size(); j++) {
            if (content.get(j) instanceof ObjectNode part) {
                setText(part, "text", responsesPart(output, j), first, replacement);
            }
        }
    }

    /** A non-empty full text: the replacement for the first part, empty for the others. */
    private static void setText(ObjectNode parent, String field, String part, String first, String replacement) {
        if (parent.path(field).isTextual() && !parent.get(field).textValue().isEmpty()) {
            parent.put(field, part.equals(first) ? replacement : "");
        }
    }

    @Override
    public void error(ApiError error, int status, Consumer<byte[]> out) {
        held.clear(); // never reviewed: not released
        next.error(error, status, out);
    }
}
