package dev.caravan.embeddings;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.error.ApiException;

/**
 * OpenAI {@code CreateEmbeddingRequest}, validated: {@code input} as a list of texts or a list of token arrays
 * (a single string or a single token array is a list of one), {@code encoding_format} {@code float} or
 * {@code base64}, {@code dimensions} positive. Every problem is a 400 naming the parameter.
 */
public record EmbeddingsRequest(String model, List<String> texts, List<int[]> tokens, String encodingFormat,
        Integer dimensions, String user) {

    /** OpenAI's limit on the number of inputs of one request. */
    public static final int MAX_INPUTS = 2048;
    static final Set<String> FORMATS = Set.of("float", "base64");

    /** True when the inputs are token arrays rather than text. */
    public boolean isTokens() {
        return tokens != null;
    }

    public int size() {
        return isTokens() ? tokens.size() : texts.size();
    }

    public boolean base64() {
        return "base64".equals(encodingFormat);
    }

    /**
     * Prompt tokens of the inputs: exact for token arrays, about four characters per token for text (at least one
     * per input). Used where the provider does not count.
     */
    public long estimatedTokens() {
        if (isTokens()) {
            return tokens.stream().mapToLong(t -> t.length).sum();
        }
        long n = 0;
        for (String t : texts) {
            n += Math.max(1, (t.length() + 3) / 4);
        }
        return n;
    }

    /** Pure: the validated request, or the 400 that names what is wrong. */
    public static EmbeddingsRequest parse(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw bad("You must provide a model parameter.", "model", "missing_required_parameter");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw bad("Invalid type for 'model': expected a non-empty string.", "model", "invalid_type");
        }
        String format = optionalText(body, "encoding_format");
        if (format != null && !FORMATS.contains(format)) {
            throw bad("Invalid value for 'encoding_format': '" + format + "'. Supported values are: 'float' and "
                    + "'base64'.", "encoding_format", "invalid_value");
        }
        Integer dimensions = null;
        JsonNode d = body.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || !d.canConvertToInt()) {
                throw bad("Invalid type for 'dimensions': expected an integer.", "dimensions", "invalid_type");
            }
            if (d.asInt() < 1) {
                throw bad("Invalid value for 'dimensions': " + d.asInt() + " is less than the minimum of 1.",
                        "dimensions", "invalid_value");
            }
            dimensions = d.asInt();
        }
        String user = optionalText(body, "user");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw bad("You must provide an input parameter.", "input", "missing_required_parameter");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw bad("'input' cannot be an empty string.", "input", "invalid_value");
            }
            return new EmbeddingsRequest(model.asText(), List.of(input.asText()), null, format, dimensions, user);
        }
        if (!input.isArray()) {
            throw bad("Invalid type for 'input': expected a string, an array of strings, an array of integers "
                    + "(tokens) or an array of arrays of integers.", "input", "invalid_type");
        }
        if (input.isEmpty()) {
            throw bad("'input' cannot be an empty array.", "input", "empty_array");
        }
        JsonNode first = input.get(0);
        if (first.isIntegralNumber()) {
            return new EmbeddingsRequest(model.asText(), null, List.of(tokenArray(input, "input")), format,
                    dimensions, user);
        }
        if (input.size() > MAX_INPUTS) {
            throw bad("'input' has " + input.size() + " items; the maximum is " + MAX_INPUTS + " per request.",
                    "input", "array_above_max_length");
        }
        if (first.isTextual()) {
            List<String> texts = new ArrayList<>(input.size());
            for (int i = 0; i < input.size(); i++) {
                JsonNode n = input.get(i);
                if (!n.isTextual()) {
                    throw bad("Invalid type for 'input[" + i + "]': expected a string (all items of 'input' must "
                            + "have the same type).", "input[" + i + "]", "invalid_type");
                }
                if (n.asText().isEmpty()) {
                    throw bad("'input[" + i + "]' cannot be an empty string.", "input[" + i + "]", "invalid_value");
                }
                texts.add(n.asText());
            }
            return new EmbeddingsRequest(model.asText(), List.copyOf(texts), null, format, dimensions, user);
        }
        if (first.isArray()) {
            List<int[]> arrays = new ArrayList<>(input.size());
            for (int i = 0; i < input.size(); i++) {
                JsonNode n = input.get(i);
                if (!n.isArray()) {
                    throw bad("Invalid type for 'input[" + i + "]': expected an array of integers (all items of "
                            + "'input' must have the same type).", "input[" + i + "]", "invalid_type");
                }
                arrays.add(tokenArray(n, "input[" + i + "]"));
            }
            return new EmbeddingsRequest(model.asText(), null, List.copyOf(arrays), format, dimensions, user);
        }
        throw bad("Invalid type for 'input[0]': expected a string, an integer (token) or an array of integers.",
                "input[0]", "invalid_type");
    }

    private static int[] tokenArray(JsonNode a, String param) {
        if (a.isEmpty()) {
            throw bad("'" + param + "' cannot be an empty array.", param, "empty_array");
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < a.size(); i++) {
            JsonNode t = a.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0) {
                throw bad("Invalid value for '" + param + "[" + i + "]': expected a token id (a non-negative "
                        + "integer).", param + "[" + i + "]", "invalid_type");
            }
            out[i] = t.asInt();
        }
        return out;
    }

    private static String optionalText(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw bad("Invalid type for '" + field + "': expected a string.", field, "invalid_type");
        }
        return n.asText();
    }

    private static ApiException bad(String message, String param, String code) {
        return ApiException.badRequest(message, param, code);
    }
}
