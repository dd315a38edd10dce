package dev.caravan.gateway;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.provider.ProviderDescriptor;
import dev.caravan.provider.ProviderRegistry;

/**
 * Resolves {@code <provider>/<model>} to a provider route: sets {@link RouteHeaders#PROVIDER} and
 * {@link RouteHeaders#MODEL} for the {@code toD} that follows in {@code route.chat}. An unknown provider is a 404
 * {@code model_not_found}, before any provider is called.
 */
public final class ModelRouter implements Processor {

    private final ProviderRegistry registry;

    public ModelRouter(ProviderRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String model = call.request().model();
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1) {
            throw notFound(model, "Model ids are '<provider>/<model>', e.g. 'openai/gpt-4o-mini'.");
        }
        String provider = model.substring(0, slash);
        ProviderDescriptor d = registry.get(provider);
        if (d == null) {
            throw notFound(model, "No provider named '" + provider + "' is configured.");
        }
        String target = model.substring(slash + 1);
        exchange.getMessage().setHeader(RouteHeaders.PROVIDER, provider);
        exchange.getMessage().setHeader(RouteHeaders.MODEL, target);
        call.provider(provider);
        call.upstreamModel(target);
    }

    private static ApiException notFound(String model, String hint) {
        return new ApiException(404, ErrorMapper.INVALID_REQUEST, "model_not_found", "model",
                "The model '" + model + "' does not exist. " + hint + " GET /v1/models lists the available models.");
    }
}
