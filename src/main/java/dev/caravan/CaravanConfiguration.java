package dev.caravan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.auth.Authenticator;
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
import dev.caravan.ops.metrics.EventLoopDelay;
import dev.caravan.ops.metrics.GatewayMetrics;
import dev.caravan.money.MoneyConfiguration;
import dev.caravan.provider.ProviderRegistry;
import dev.caravan.provider.UpstreamCall;
import dev.caravan.provider.UpstreamClient;
import dev.caravan.provider.openai.OpenAiRequestTranslator;
import dev.caravan.provider.openai.OpenAiResponseTranslator;
import dev.caravan.reload.RouteFiles;
import dev.caravan.routing.DeploymentRegistry;
import dev.caravan.routing.DeploymentsView;
import dev.caravan.routing.LeastLatencyLoadBalancer;
import dev.caravan.routing.LowestCostLoadBalancer;
import dev.caravan.routing.RequestFacts;
import dev.caravan.routing.WeightedLoadBalancer;
import dev.caravan.reload.SwitchableDirectComponent;

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
        http.setRequestReadTimeoutMs(intProp(pc, "caravan.api.request-read-timeout-ms", 30_000));
        http.setMaxInFlight(intProp(pc, "caravan.api.max-in-flight", 2048));
        r.bind("netty-http", http);
        // direct endpoints a reloaded route can take over without a pause (see RouteFiles)
        r.bind("direct", new SwitchableDirectComponent());

        ProviderRegistry providers = new ProviderRegistry();
        r.bind("providerRegistry", providers);
        // one set of event loops for the API server and the upstream client: a call stays on one thread
        EventLoopGroup loops = new NioEventLoopGroup(intProp(pc, "caravan.io-threads",
                Math.max(1, Runtime.getRuntime().availableProcessors())), new DefaultThreadFactory("caravan-io", true));
        r.bind("caravanEventLoops", loops);
        UpstreamClient client = new UpstreamClient(loops,
                Duration.ofMillis(intProp(pc, "caravan.upstream.connect-timeout-ms", 10_000)),
                Duration.ofMillis(intProp(pc, "caravan.upstream.pool-idle-ms", 60_000)));
        r.bind("upstreamClient", client);
        UpstreamCall upstreamCall = new UpstreamCall(client);
        r.bind("upstreamCall", upstreamCall);

        // caravan.keys.<name> from any property source: files, -D system properties
        java.util.Set<String> keyNames = new java.util.TreeSet<>(
                pc.loadProperties(k -> k.startsWith(ConfigKeyAuthenticator.PREFIX)).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith(ConfigKeyAuthenticator.PREFIX)).forEach(keyNames::add);
        Properties keys = new Properties();
        for (String name : keyNames) {
            pc.resolveProperty(name).ifPresent(v -> keys.setProperty(name, v));
        }
        CallEvents events = new CallEvents();
        r.bind("callEvents", events);
        GatewayMetrics gatewayMetrics = OpsConfiguration.configure(ctx, events, providers);
        MeterRegistry meters = r.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        http.setMeterRegistry(meters);
        // the wait of a task handed to the event loops and the route executor (caravan_event_loop_delay_seconds)
        int probeMs = intProp(pc, "caravan.metrics.event-loop.interval-ms", 100);
        if (probeMs > 0 && meters != null) {
            ctx.addService(new EventLoopDelay(meters, java.util.List.of(new EventLoopDelay.Group("io", () -> loops),
                    new EventLoopDelay.Group("route", http::getExecutorService)), Duration.ofMillis(probeMs),
                    Duration.ofMillis(intProp(pc, "caravan.metrics.event-loop.warn-ms", 1000))), true, true);
        }
        // virtual keys (admin API) first, then the keys above; also binds the keys and money beans
        Authenticator auth = MoneyConfiguration.configure(ctx, new ConfigKeyAuthenticator(keys), events,
                gatewayMetrics);
        r.bind("authenticator", auth);

        ApiGuard apiGuard = new ApiGuard(auth);
        r.bind("apiGuard", apiGuard);
        // OpenTelemetry spans (bound by OpsConfiguration only when caravan.otel.endpoint is set)
        dev.caravan.ops.otel.GatewayTracer tracer = r.lookupByNameAndType("gatewayTracer",
                dev.caravan.ops.otel.GatewayTracer.class);
        if (tracer != null && tracer.traces()) {
            apiGuard.tracer(tracer);
            upstreamCall.tracer(tracer);
        }
        r.bind("chatRequestParser", new ChatRequestParser());
        r.bind("modelRouter", new ModelRouter(providers));
        r.bind("modelsProcessor", new ModelsProcessor(providers, events));
        r.bind("healthProcessor", new HealthProcessor());
        r.bind("responseWriter", new ResponseWriter(events));
        r.bind("errorResponder", new ErrorResponder(events));
        r.bind("openAiRequestTranslator", new OpenAiRequestTranslator());

        // routing: deployments, chains, the admin view of breakers
        DeploymentRegistry deployments = new DeploymentRegistry();
        r.bind("deploymentRegistry", deployments);
        // the deployments' Resilience4j breakers, for metrics binders and tools that look them up by type
        r.bind("deploymentBreakers", deployments.breakers());
        r.bind("requestFacts", new RequestFacts(intProp(pc, "caravan.routing.deadline-ms", 300_000)));
        // balancers hold their chain's steps: a new instance for every chain (and every revision of it)
        r.bindAsPrototype("weightedChain", WeightedLoadBalancer.class, WeightedLoadBalancer::new);
        r.bindAsPrototype("leastLatencyChain", LeastLatencyLoadBalancer.class, LeastLatencyLoadBalancer::new);
        r.bindAsPrototype("lowestCostChain", LowestCostLoadBalancer.class, LowestCostLoadBalancer::new);
        r.bind("deploymentsView", new DeploymentsView(deployments,
                dev.caravan.routing.ReplicaId.resolve(pc.resolveProperty("caravan.replica.id").orElse(""))));
        r.bind("openAiResponseTranslator", new OpenAiResponseTranslator());
        // POST /v1/embeddings (routes/api-embeddings.camel.yaml and the providers' embeddings branches)
        r.bind("embeddingsRequestParser", new dev.caravan.embeddings.EmbeddingsRequestParser());
        r.bind("embeddingsRefusal", new dev.caravan.embeddings.EmbeddingsRefusal());
        // POST /v1/messages and /v1/messages/count_tokens (routes/api-messages.camel.yaml)
        r.bind("messagesRequestParser", new dev.caravan.messages.MessagesRequestParser());
        r.bind("messagesReply", new dev.caravan.messages.MessagesReply());
        r.bind("messagesCountTokens", new dev.caravan.messages.CountTokens());
        r.bind("messagesCountTokensReply", new dev.caravan.messages.CountTokensReply(events));
        r.bind("openAiEmbeddingsRequestTranslator",
                new dev.caravan.provider.openai.OpenAiEmbeddingsRequestTranslator());
        r.bind("openAiEmbeddingsResponseTranslator",
                new dev.caravan.provider.openai.OpenAiEmbeddingsResponseTranslator());
        // POST /v1/responses, GET/DELETE /v1/responses/{id} (routes/api-responses.camel.yaml)
        dev.caravan.responses.ResponsesConfiguration.configure(ctx);
        // shadow traffic: route template 'shadow', route shadow.run, GET /admin/shadow/report
        dev.caravan.shadow.ShadowConfiguration.configure(ctx, events);

        Path configDir = Path.of(pc.resolveProperty("caravan.config.dir").orElse("config"));
        RouteFiles routeFiles = new RouteFiles(configDir.resolve("routes").toAbsolutePath().normalize(),
                intProp(pc, "caravan.reload.drain-ms", 600_000));
        r.bind("routeFiles", routeFiles);
        boolean reload = Boolean.parseBoolean(pc.resolveProperty("caravan.reload.enabled").orElse("true"));
        // stop reloading before the context stops its routes (a drain must not remove routes meanwhile)
        ctx.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                routeFiles.stop();
            }

            @Override
            public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                return event instanceof org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
            }
        });
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
                loops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
    }

    static int intProp(PropertiesComponent pc, String key, int def) {
        return pc.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).orElse(def);
    }
}
