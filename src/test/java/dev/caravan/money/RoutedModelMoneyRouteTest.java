package dev.caravan.money;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.RouteYaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logical model (a name the routing file resolves, here {@code team/...}) is priced per attempt, for the
 * deployment actually called: with require-known an unpriced deployment is skipped, not the whole name refused;
 * a budget reservation is the worst case of the model called, so an over-budget call is refused before any
 * upstream call even though the requested name has no price of its own.
 */
class RoutedModelMoneyRouteTest extends MoneyTestSupport {

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.pricing.require-known", "true");
    }

    static String deployment(String id, String provider, String model) {
        return RouteYaml.deployment(id, provider, model, "");
    }

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        Files.writeString(dir.resolve("routes/routing.camel.yaml"),
                deployment("private", "openai", "my-private-finetune")
                + deployment("mini", "openai", "gpt-4o-mini")
                + deployment("big", "openai", "gpt-4o")
                + RouteYaml.chain("team-default", RouteYaml.FAILOVER, "private", "mini")
                + """
                - route:
                    id: chain.team-big
                    from:
                      uri: direct:chain.team-big
                      steps:
                        - to: direct:deployment.big
                """
                + RouteYaml.routeChatWhen("${body.model} startsWith 'team/'",
                        "toD: \"direct:chain.team-${body.model.substring(5)}\""));
    }

    @BeforeEach
    void answer() {
        stub.reset();
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 10, 5, 0, 0)));
    }

    @Test
    void anUnpricedDeploymentIsSkippedAndTheRoutedNameIsServedAndPriced() {
        HttpResponse<String> r = chat(ask("team/default"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow())
                .matches("private=skipped:no_price/0ms, mini=ok/\\d+ms");
        // 10 x 0.15 + 5 x 0.60 USD per million, at the price of the model that answered
        assertThat(r.headers().firstValue("x-caravan-cost-usd")).hasValue("0.0000045");
        assertThat(stub.requests()).hasSize(1);
        assertThat(stub.lastRequest().path()).startsWith("/openai/");
    }

    @Test
    void aBudgetIsReservedAtThePriceOfTheDeploymentCalled() {
        // gpt-4o: 1,000 output tokens may cost 0.01 USD, more than this key's whole budget
        NewKey k = createKey("{\"tenant\":\"routed\",\"budget\":\"0.005/day\"}");
        String body = "{\"model\":\"team/big\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = chatAs(k.secret(), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(json(r.body()).at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(stub.requests()).as("refused before any upstream call").isEmpty();

        // the same key can afford a small call on the same deployment
        String small = "{\"model\":\"team/big\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(chatAs(k.secret(), small).statusCode()).isEqualTo(200);
    }
}
