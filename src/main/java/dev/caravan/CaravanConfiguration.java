package dev.caravan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.auth.ConfigKeyAuthenticator;
import dev.caravan.gateway.ApiGuard;
import dev.caravan.gateway.CallEvents;
import dev.caravan.gateway.ChatRequestParser;
import dev.caravan.gateway.ErrorResponder;
import dev.caravan.gateway.HealthProcessor;
import dev.caravan.gateway.ModelRouter;
import dev.caravan.gateway.ModelsProcessor;
import dev.caravan.gateway.ResponseWriter;
import dev.caravan.http.CaravanHttpComponent;
import dev.caravan.ops.OpsConfiguration;
import dev.caravan.provider.ProviderRegistry;
import dev.caravan.provider.UpstreamCall;
import dev.caravan.provider.UpstreamClient;
import dev.caravan.provider.openai.OpenAiRequestTranslator;
import dev.caravan.provider.openai.OpenAiResponseTranslator;
import dev.caravan.reload.RouteFiles;

/**
 * Binds the beans the route files refer to ({@code process: {ref: apiGuard}} ...). Used by {@link CaravanMain}
 * and by tests that boot the real Main, so tests run the production wiring.
 */
public class CaravanConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext ctx) throws Exception {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        Registry r = ctx.getRegistry();


        CaravanHttpComponent http = new CaravanHttpComponent();
        http.setMaxBodyBytes(intProp(pc, "caravan.api.max-body-bytes", 10 * 1024 * 1024));
        r.bind("netty-http", http);

        ProviderRegistry providers = new ProviderRegistry();
        r.bind("providerRegistry", providers);
        UpstreamClient client = new UpstreamClient(
                Duration.ofMillis(intProp(pc, "caravan.upstream.connect-timeout-ms", 10_000)),
                intProp(pc, "caravan.upstream.threads", Math.max(2, Runtime.getRuntime().availableProcessors())));
        r.bind("upstreamClient", client);
        r.bind("upstreamCall", new UpstreamCall(client));

        // caravan.keys.<name> from any property source: files, -D system properties
        java.util.Set<String> keyNames = new java.util.TreeSet<>(
                pc.loadProperties(k -> k.startsWith(ConfigKeyAuthenticator.PREFIX)).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith(ConfigKeyAuthenticator.PREFIX)).forEach(keyNames::add);
        Properties keys = new Properties();
        for (String name : keyNames) {
            pc.resolveProperty(name).ifPresent(v -> keys.setProperty(name, v));
        }
        ConfigKeyAuthenticator auth = new ConfigKeyAuthenticator(keys);
        r.bind("authenticator", auth);

        r.bind("apiGuard", new ApiGuard(auth));
        r.bind("chatRequestParser", new ChatRequestParser());
        r.bind("modelRouter", new ModelRouter(providers));
        r.bind("modelsProcessor", new ModelsProcessor(providers));
        r.bind("healthProcessor", new HealthProcessor());
        CallEvents events = new CallEvents();
        r.bind("callEvents", events);
        OpsConfiguration.configure(ctx, events, providers);
        r.bind("responseWriter", new ResponseWriter(events));
        r.bind("errorResponder", new ErrorResponder(events));
        r.bind("openAiRequestTranslator", new OpenAiRequestTranslator());
        r.bind("openAiResponseTranslator", new OpenAiResponseTranslator());

        Path configDir = Path.of(pc.resolveProperty("caravan.config.dir").orElse("config"));
        RouteFiles routeFiles = new RouteFiles(configDir.resolve("routes").toAbsolutePath().normalize(),
                intProp(pc, "caravan.reload.drain-ms", 600_000));
        r.bind("routeFiles", routeFiles);
        boolean reload = Boolean.parseBoolean(pc.resolveProperty("caravan.reload.enabled").orElse("true"));
        ctx.addService(new ServiceSupport() {
            @Override
            protected void doStart() {
                if (reload) {
                    routeFiles.watch();
                }
            }

            @Override
            protected void doStop() {
                routeFiles.stop();
                client.close();
            }
        });
    }

    static int intProp(PropertiesComponent pc, String key, int def) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).orElse(def);
    }
}
