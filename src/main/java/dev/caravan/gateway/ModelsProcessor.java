package dev.caravan.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.api.Json;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ProviderDescriptor;
import dev.caravan.provider.ProviderRegistry;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{provider}/{model}} in OpenAI's list format, from the
 * providers the loaded routes serve. A provider without its key is left out (it cannot answer).
 */
public final class ModelsProcessor implements Processor {

    public record Model(String id, String object, long created, String ownedBy) {
    }

    public record ModelList(String object, List<Model> data) {
    }

    private final ProviderRegistry registry;
    private final CallEvents events;
    private final long created = System.currentTimeMillis() / 1000;

    public ModelsProcessor(ProviderRegistry registry, CallEvents events) {
        this.registry = registry;
        this.events = events;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        List<Model> all = list();
        Object body;
        if ("model".equals(call.endpoint())) {
            String path = exchange.getProperty(ApiGuard.ENDPOINT + ".path", String.class);
            String id = path == null ? "" : path;
            body = all.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow(() -> new ApiException(404,
                    ErrorMapper.INVALID_REQUEST, "model_not_found", "model", "The model '" + id
                            + "' does not exist."));
        } else {
            body = new ModelList("list", all);
        }
        HttpReplies.json(exchange, 200, Json.MAPPER.writeValueAsBytes(body), Map.of());
        events.answered(call);
    }

    List<Model> list() {
        List<Model> out = new ArrayList<>();
        for (ProviderDescriptor d : registry.all()) {
            if (!d.configured()) {
                continue;
            }
            for (String m : d.models()) {
                out.add(new Model(d.name() + "/" + m, "model", created, d.name()));
            }
            for (String m : d.embeddingModels()) {
                out.add(new Model(d.name() + "/" + m, "model", created, d.name()));
            }
        }
        return out;
    }
}
