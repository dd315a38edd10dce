package dev.caravan.guardrail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The texts of a request or an answer that a guardrail inspects, each as a place it can be read and rewritten:
 * message contents (strings or text parts) of the chosen roles, tool-call arguments when asked for, embeddings
 * input, and the client's own body on endpoints translated at the edge (Anthropic's {@code system} and
 * {@code messages}, the Responses API's {@code instructions} and {@code input}).
 */
final class TextSlots {

    /** One text in a JSON tree: a field of an object, or (index >= 0) an element of an array of strings. */
    record Slot(ObjectNode parent, String field, ArrayNode array, int index) {
        Slot(ObjectNode parent, String field) {
            this(parent, field, null, -1);
        }

        String get() {
            return array != null ? array.get(index).textValue() : parent.get(field).textValue();
        }

        void set(String text) {
            if (array != null) {
                array.set(index, array.textNode(text));
            } else {
                parent.put(field, text);
            }
        }
    }

    private TextSlots() {
    }

    /** An OpenAI chat request (or an embeddings request, whose {@code input} counts as the user's). */
    static List<Slot> chatRequest(ObjectNode raw, Set<String> roles, boolean toolArguments) {
        List<Slot> out = new ArrayList<>();
        JsonNode messages = raw.get("messages");
        if (messages instanceof ArrayNode arr) {
            for (JsonNode m : arr) {
                if (m instanceof ObjectNode msg && roles.contains(msg.path("role").asText())) {
                    content(msg, "content", out);
                    if (toolArguments) {
                        for (JsonNode tc : msg.path("tool_calls")) {
                            if (tc.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                                out.add(new Slot(fn, "arguments"));
                            }
                        }
                    }
                }
            }
        } else if (roles.contains("user") && raw.get("input") instanceof ArrayNode inputs) {
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).isTextual()) {
                    out.add(new Slot(null, null, inputs, i));
                }
            }
        } else if (roles.contains("user")) {
            content(raw, "input", out);
        }
        return out;
    }

    /** A client body in Anthropic Messages or OpenAI Responses form. */
    static List<Slot> clientBody(JsonNode body, Set<String> roles) {
        List<Slot> out = new ArrayList<>();
        if (!(body instanceof ObjectNode root)) {
            return out;
        }
        if (roles.contains("system")) {
            content(root, "system", out);
            content(root, "instructions", out);
        }
        for (String list : new String[] {"messages", "input"}) {
            JsonNode items = root.get(list);
            if (items != null && items.isTextual() && roles.contains("user")) {
                out.add(new Slot(root, list));
            } else if (items instanceof ArrayNode arr) {
                for (JsonNode m : arr) {
                    if (m instanceof ObjectNode msg && roles.contains(msg.path("role").asText("user"))) {
                        content(msg, "content", out);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The assistant texts of an answer: an OpenAI {@code chat.completion}, or, from a native pass-through, an
     * Anthropic {@code message} ({@code content[].text}) or a Responses {@code response}
     * ({@code output[].content[].text}).
     */
    static List<Slot> answer(ObjectNode completion) {
        List<Slot> out = new ArrayList<>();
        for (JsonNode c : completion.path("choices")) {
            if (c.path("message") instanceof ObjectNode msg) {
                content(msg, "content", out);
            }
        }
        if (completion.path("content").isArray()) {
            content(completion, "content", out);
        }
        for (JsonNode item : completion.path("output")) {
            if (item instanceof ObjectNode o && "message".equals(o.path("type").asText())) {
                content(o, "content", out);
            }
        }
        return out;
    }

    /** A string field, or an array of parts whose {@code text} fields are strings. */
    private static void content(ObjectNode parent, String field, List<Slot> out) {
        JsonNode c = parent.get(field);
        if (c == null) {
            return;
        }
        if (c.isTextual()) {
            out.add(new Slot(parent, field));
        } else if (c.isArray()) {
            for (JsonNode p : c) {
                if (p instanceof ObjectNode part && part.path("text").isTextual()) {
                    out.add(new Slot(part, "text"));
                }
            }
        }
    }
}
