package dev.caravan.routing;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped routing file read offline: who would answer which call (the rules replay uses). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingFileTest {

    RoutingFile file;

    @BeforeAll
    void load() throws Exception {
        file = RoutingFile.load(Path.of("config/routes/routing.camel.yaml"));
    }

    @AfterAll
    void close() {
        file.close();
    }

    String who(String model, String tenant, long promptTokens) {
        return file.resolve(new RoutingFile.Call(model, tenant, "k1", false, "chat", promptTokens)).describe();
    }

    @Test
    void theShippedRouterDecidesAsTheGatewayWould() {
        // ordered failover: the first deployment
        assertThat(who("caravan/code", "t", 100)).isEqualTo("claude-sonnet");
        // weighted 3:1 by the deployments' weights
        assertThat(who("caravan/cheap", "t", 100)).isEqualTo("weighted(deepseek-chat 3, llama-70b 1)");
        // prompt size decides before the model's own branch
        assertThat(who("caravan/cheap", "t", 9000)).isEqualTo("gemini-flash");
        // least latency: the first deployment (no history offline)
        assertThat(who("caravan/fast", "t", 100)).isEqualTo("gpt-4o-mini");
        // tenant branch, then lowest cost among quality >= 6
        assertThat(who("caravan/default", "acme", 100)).isEqualTo("cheapest(gpt-4o-mini, llama-70b, deepseek-chat)");
        assertThat(who("caravan/default", "other", 100)).isEqualTo("gpt-4o-mini");
        // an alias and the provider route
        assertThat(who("gpt-4o-mini", "t", 100)).isEqualTo("gpt-4o-mini");
        assertThat(who("openai/gpt-4o", "t", 100)).isEqualTo("openai/gpt-4o");
        assertThat(file.resolve(new RoutingFile.Call("gpt-4o", "t", "k", false, "chat", 1)))
                .isInstanceOf(RoutePlan.Unroutable.class);
    }
}
