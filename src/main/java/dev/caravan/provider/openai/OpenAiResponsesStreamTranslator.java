package dev.caravan.provider.openai;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ChunkSink;
import dev.caravan.provider.SseCodec;
import dev.caravan.provider.SseEvent;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.responses.ResponseObjects;
import dev.caravan.responses.ResponsesCall;

/**
 * A native Responses stream: every event goes to the client as the provider sent it ({@link StreamEncoder.Verbatim});
 * usage is read from response.completed / response.incomplete for metering, and that final Response is stored
 * (when the client asked). An {@code error} event before anything was sent decides failover like an HTTP error;
 * response.failed is forwarded and ends the stream as failed.
 */
public final class OpenAiResponsesStreamTranslator implements StreamTranslator {

    private final ResponsesCall rc;

    public OpenAiResponsesStreamTranslator(ResponsesCall rc) {
        this.rc = rc;
    }

    @Override
    public void onEvent(SseEvent event, ChunkSink out) throws Exception {
        String data = event.data();
        if (data.isEmpty() || "[DONE]".equals(data.trim())) {
            return;
        }
        JsonNode root = Json.REPLIES.readTree(data);
        String type = root.path("type").asText(event.event() == null ? "" : event.event());
        if ("error".equals(type)) {
            JsonNode err = root.has("error") ? root.get("error") : root;
            JsonNode code = err.path("code");
            int status = code.isInt() && code.asInt() >= 400 && code.asInt() < 600 ? code.asInt() : 500;
            out.error(status, new ErrorMapper.UpstreamError(err.path("message").asText(null), "server_error",
                    code.isTextual() ? code.asText() : null, err.path("param").asText(null)));
            return;
        }
        JsonNode response = root.get("response");
        if ("response.created".equals(type) && response != null) {
            out.meta(response.path("id").asText(), response.path("created_at").asLong(),
                    response.path("model").asText(null));
        }
        out.chunk(new StreamEncoder.Verbatim(SseCodec.event(type, data.getBytes(StandardCharsets.UTF_8))));
        switch (type) {
            case "response.completed", "response.incomplete" -> {
                Usage usage = ResponseObjects.fromResponsesUsage(response == null ? null : response.get("usage"));
                if (usage != null) {
                    out.usage(usage);
                }
                if (response instanceof ObjectNode r) {
                    ObjectNode kept = r.deepCopy();
                    kept.put("store", rc.request().store());
                    kept.put("previous_response_id", rc.request().previousId());
                    rc.keep(kept);
                }
                out.finished();
                out.done();
            }
            case "response.failed" -> {
                JsonNode err = response == null ? null : response.get("error");
                out.error(500, new ErrorMapper.UpstreamError(err == null ? "The response failed."
                        : err.path("message").asText("The response failed."), "server_error",
                        err == null ? null : err.path("code").asText(null), null));
            }
            default -> {
            }
        }
    }
}
