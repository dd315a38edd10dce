package dev.caravan.embed;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.CaravanConfiguration;
import dev.caravan.gateway.CallEvents;
import dev.caravan.reload.RouteFiles;

/**
 * Caravan inside another Camel application: its own CamelContext ({@code caravan-embedded}) with the gateway's
 * beans, error handling, route templates and the user's route files from {@code caravan.config.dir}, but no HTTP
 * API and no admin plane. Keeping it in its own context leaves the host untouched (its error handlers, route ids,
 * components); with JMX on, the host's Hawtio shows it as a second context.
 *
 * <p>Properties are read from the host ({@code caravan.provider.openai.api-key}, {@code caravan.config.dir}, ...).
 * One engine per host context, created on first use and stopped with the host.
 */
public final class CaravanEngine extends ServiceSupport {

    static final String BEAN = "caravanEngine";
    static final String ENTRY = "direct:caravan.embedded.chat";
    private static final String[] ROUTES = {"classpath:routes/errors.camel.yaml", "classpath:routes/templates/*.yaml",
        "classpath:routes/providers/*.yaml", "classpath:routes/embedded/*.yaml"};

    private final DefaultCamelContext engine;
    private ProducerTemplate template;

    private CaravanEngine(CamelContext host) {
        engine = new DefaultCamelContext();
        engine.getCamelContextExtension().setName("caravan-embedded");
        engine.setStreamCaching(false);
        engine.getPropertiesComponent().addPropertiesSource(new HostProperties(host));
        // Caravan's metrics go to the host's registry when it has one (camel-micrometer's bean name)
        MeterRegistry meters = host.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (meters != null) {
            engine.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
    }

    /** The host's engine, started on first call. */
    public static CaravanEngine of(CamelContext host) {
        synchronized (host) {
            CaravanEngine e = host.getRegistry().lookupByNameAndType(BEAN, CaravanEngine.class);
            if (e == null) {
                e = new CaravanEngine(host);
                try {
                    host.addService(e, true, true);
                } catch (Exception ex) {
                    throw new IllegalStateException("Caravan could not start: " + ex.getMessage(), ex);
                }
                host.getRegistry().bind(BEAN, e);
            }
            return e;
        }
    }

    public CamelContext context() {
        return engine;
    }

    public CallEvents events() {
        return engine.getRegistry().lookupByNameAndType("callEvents", CallEvents.class);
    }

    /** Runs a prepared exchange of the engine through Caravan; the result or the exception is on it. */
    Exchange call(Exchange exchange) {
        return template.send(ENTRY, exchange);
    }

    Exchange newExchange() {
        return engine.getEndpoint(ENTRY).createExchange();
    }

    @Override
    protected void doStart() throws Exception {
        new CaravanConfiguration().configure(engine);
        List<Resource> resources = new ArrayList<>();
        for (String pattern : ROUTES) {
            resources.addAll(PluginHelper.getPackageScanResourceResolver(engine).findResources(pattern));
        }
        PluginHelper.getRoutesLoader(engine).loadRoutes(resources);
        RouteFiles files = engine.getRegistry().lookupByNameAndType("routeFiles", RouteFiles.class);
        files.addRoutesToCamelContext(engine);
        files.addTemplatedRoutesToCamelContext(engine);
        engine.start();
        template = engine.createProducerTemplate();
    }

    @Override
    protected void doStop() throws Exception {
        if (template != null) {
            template.close();
        }
        engine.stop();
    }

    /** The host's properties, as the engine's fallback source. */
    private record HostProperties(CamelContext host) implements PropertiesSource {
        @Override
        public String getName() {
            return "caravan-host";
        }

        @Override
        public String getProperty(String name) {
            return host.getPropertiesComponent().resolveProperty(name).orElse(null);
        }
    }
}
