package dev.caravan.error;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;

/**
 * How an error reaches the client, in the format of the API it called. {@link ErrorMapper} decides status and
 * OpenAI type once; a format only re-dresses that decision: OpenAI's {@code {"error":{message,type,param,code}}}
 * for the OpenAI endpoints, Anthropic's {@code {"type":"error","error":{type,message}}} for {@code /v1/messages}.
 */
public interface ErrorFormat {

    /** The status, JSON body and extra headers of an error reply. */
    record Reply(int status, byte[] body, Map<String, String> headers) {
    }

    Reply reply(ErrorMapper.ClientError error);

    /** OpenAI: the envelope as ErrorMapper built it. */
    ErrorFormat OPENAI = ce -> new Reply(ce.status(), json(ce.body()), ce.headers());

    /**
     * Anthropic Messages API: {@code {"type":"error","error":{"type","message"}}} with Anthropic's statuses: a
     * gateway with nothing left to answer (503) is {@code 529 overloaded_error}, as Anthropic itself reports it, so
     * the Anthropic SDKs and Claude Code retry it the same way.
     */
    ErrorFormat ANTHROPIC = ce -> {
        AnthropicErrors.Mapped m = AnthropicErrors.of(ce.status());
        ObjectNode root = Json.NODES.objectNode();
        root.put("type", "error");
        ObjectNode err = root.putObject("error");
        err.put("type", m.type());
        ApiError.Body b = ce.body().error();
        err.put("message", b.message());
        return new Reply(m.status(), json(root), ce.headers());
    };

    /**
     * The format of the API a request path belongs to, for replies written before the request reaches a route
     * (malformed HTTP, oversized body, read timeout): Anthropic's for {@code /v1/messages...}, OpenAI's otherwise.
     */
    static ErrorFormat forPath(String uri) {
        return uri != null && (uri.equals("/v1/messages") || uri.startsWith("/v1/messages/")
                || uri.startsWith("/v1/messages?")) ? ANTHROPIC : OPENAI;
    }

    /** A reply for a status, message and OpenAI error code decided outside the route (see {@link #forPath}). */
    default Reply reply(int status, String message, String code) {
        return reply(new ErrorMapper.ClientError(status,
                ApiError.of(message, ErrorMapper.typeFor(status), null, code), Map.of()));
    }

    private static byte[] json(Object o) {
        try {
            return Json.MAPPER.writeValueAsBytes(o);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize error", e);
        }
    }
}
