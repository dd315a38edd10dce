package dev.caravan.provider.openai;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.UpstreamResponse;

/**
 * The first step of reading any OpenAI-style reply (chat, embeddings, ...): a non-2xx status, a body that is not a
 * JSON object, or a 2xx body that is only an {@code error} object become the exception they map to; otherwise the
 * parsed object.
 */
final class OpenAiReplies {

    private OpenAiReplies() {
    }

    /**
     * @param payloadField the field a successful reply carries ({@code choices}, {@code data}); a body with
     *                     {@code error} and without it is an error even under status 200
     */
    static ObjectNode object(String provider, UpstreamResponse r, String payloadField) {
        return object(provider, r, payloadField, Map.of());
    }

    /**
     * As above; {@code errorCodes} renames upstream error codes for the client (Azure's {@code content_filter}
     * becomes OpenAI's {@code content_policy_violation}), keeping status and message.
     */
    static ObjectNode object(String provider, UpstreamResponse r, String payloadField,
            Map<String, String> errorCodes) {
        if (!r.ok()) {
            ErrorMapper.UpstreamError e = ErrorMapper.parseOpenAiStyle(r.body());
            String code = e.code() == null ? null : errorCodes.get(e.code());
            throw ErrorMapper.fromUpstream(provider, r.status(), r.retryAfterSeconds(), code == null ? e
                    : new ErrorMapper.UpstreamError(e.message(), e.type(), code, e.param()));
        }
        JsonNode root;
        try {
            root = Json.REPLIES.readTree(r.body());
        } catch (IOException e) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not JSON");
        }
        if (!(root instanceof ObjectNode tree)) {
            throw new ProviderUnavailable(provider, ProviderUnavailable.Reason.SERVER_ERROR, r.status(), null,
                    "the reply was not a JSON object");
        }
        if (tree.has("error") && !tree.has(payloadField)) {
            JsonNode code = tree.path("error").path("code");
            int status = code.isInt() && code.asInt() >= 400 && code.asInt() < 600 ? code.asInt() : 502;
            throw ErrorMapper.fromUpstream(provider, status, null, ErrorMapper.parseOpenAiStyle(tree));
        }
        return tree;
    }
}
