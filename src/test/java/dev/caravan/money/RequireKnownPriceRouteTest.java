package dev.caravan.money;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** caravan.pricing.require-known=true refuses unpriced models with a clear 400, before any provider is called. */
class RequireKnownPriceRouteTest extends MoneyTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.pricing.require-known", "true");
    }

    @Test
    void unpricedModelsAreRefusedPricedOnesServed() {
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 5, 0, 0)));
        HttpResponse<String> r = chat(ask("openai/my-private-finetune"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("model_price_unknown");
        assertThat(json(r.body()).at("/error/param").asText()).isEqualTo("model");
        assertThat(json(r.body()).at("/error/message").asText()).contains("openai/my-private-finetune")
                .contains("config/models.yaml");
        assertThat(stub.requests()).isEmpty();
        assertThat(chat(ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);
    }
}
