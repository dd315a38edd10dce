package dev.caravan.provider.gemini;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What generateContent checks before it answers, as far as a gateway can get wrong: the stub answers 400 in
 * Google's error format when a request breaks one of these rules (wire-formats.md 3.2, 3.11, 7).
 */
final class GeminiApiRules {

    private GeminiApiRules() {
    }

    static List<String> violations(String model, JsonNode body) {
        List<String> v = new ArrayList<>();
        if (body.has("model") || body.has("messages")) {
            v.add("Invalid JSON payload received. Unknown name \"" + (body.has("model") ? "model" : "messages")
                    + "\": Cannot find field.");
        }
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            v.add("* GenerateContentRequest.contents: contents is not specified");
            return v;
        }
        String prev = null;
        List<String> lastCalls = List.of();
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            String role = c.path("role").asText("user");
            if (!"user".equals(role) && !"model".equals(role)) {
                v.add("* GenerateContentRequest.contents[" + i + "].role: Please use a valid role: user, model.");
            }
            if (role.equals(prev)) {
                v.add("Please ensure that multiturn requests alternate between user and model.");
            }
            if (!c.path("parts").isArray() || c.path("parts").isEmpty()) {
                v.add("* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.");
            }
            lastCalls = checkParts(model, c, i, "model".equals(role) ? List.of() : lastCalls, v);
            prev = role;
        }
        JsonNode tc = body.path("generationConfig").path("thinkingConfig");
        if (tc.has("thinkingBudget") && tc.has("thinkingLevel")) {
            v.add("thinking_budget and thinking_level are not supported together.");
        }
        return v;
    }

    /** Returns the function names the next user turn must answer. */
    private static List<String> checkParts(String model, JsonNode c, int i, List<String> pending, List<String> v) {
        List<String> calls = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        boolean signed = false;
        for (JsonNode p : c.path("parts")) {
            if (p.has("functionCall")) {
                calls.add(p.path("functionCall").path("name").asText());
                signed |= p.hasNonNull("thoughtSignature");
            }
            if (p.has("functionResponse")) {
                String name = p.path("functionResponse").path("name").asText("");
                if (name.isEmpty()) {
                    v.add("* GenerateContentRequest.contents[" + i + "]: function_response.name: Name cannot be empty.");
                }
                if (!p.path("functionResponse").path("response").isObject()) {
                    v.add("* function_response.response must be an object");
                }
                responses.add(name);
            }
            if (p.has("text") && p.path("text").asText().isEmpty()) {
                v.add("* GenerateContentRequest.contents[" + i + "].parts: text must not be empty.");
            }
        }
        if (!calls.isEmpty() && !signed && model.startsWith("gemini-3")) {
            v.add("Function call is missing a thought_signature in functionCall parts. This is required for tools "
                    + "to work correctly.");
        }
        if (!pending.isEmpty() && !responses.stream().sorted().toList().equals(pending.stream().sorted().toList())) {
            v.add("Please ensure that the number of function response parts is equal to the number of function call "
                    + "parts of the function call turn.");
        }
        if (pending.isEmpty() && !responses.isEmpty()) {
            v.add("Please ensure that function response turn comes immediately after a function call turn.");
        }
        return calls;
    }
}
