package dev.caravan.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.netty.http.HttpServerBootstrapFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * camel-netty-http with Caravan's server pipeline ({@link ApiServerInitializerFactory}). Bound in the registry
 * under the name {@code netty-http}, so routes keep using the standard scheme. (The endpoint option
 * {@code serverInitializerFactory} is not honoured by netty-http consumers, hence the subclass.)
 */
public class CaravanHttpComponent extends NettyHttpComponent {

    private final Map<String, HttpServerBootstrapFactory> factories = new ConcurrentHashMap<>();
    private int maxBodyBytes = 10 * 1024 * 1024;
    private long requestReadTimeoutMs = 30_000;
    private int maxInFlight = 0;
    private final Map<String, AdmissionLimit> admissions = new ConcurrentHashMap<>();
    private MeterRegistry meters;

    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** How long a request may go without a byte while it is being received (0 = no limit); then 408. */
    public void setRequestReadTimeoutMs(long ms) {
        this.requestReadTimeoutMs = ms;
    }

    /** Requests one server answers at a time (0 = no limit); beyond it 503 (see {@link AdmissionLimit}). */
    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /**
     * Where each server's {@code caravan_server_requests_in_flight} gauge and {@code caravan_overload_rejected_total}
     * counter go (label {@code server}: its address).
     */
    public void setMeterRegistry(MeterRegistry meters) {
        this.meters = meters;
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    protected HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(NettyHttpConsumer consumer) {
        return factories.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
            HttpServerBootstrapFactory f = new HttpServerBootstrapFactory(
                    getMultiplexChannelHandler(consumer.getConfiguration().getPort()));
            AdmissionLimit admission = admissions.computeIfAbsent(address, this::newAdmissionLimit);
            f.init(getCamelContext(), consumer.getConfiguration(),
                    new ApiServerInitializerFactory(consumer, maxBodyBytes, requestReadTimeoutMs, admission));
            return f;
        });
    }

    private AdmissionLimit newAdmissionLimit(String address) {
        AdmissionLimit limit = new AdmissionLimit(maxInFlight, address);
        if (meters != null) {
            Gauge.builder("caravan.server.requests.in.flight", limit, AdmissionLimit::inFlight).tag("server", address)
                    .description("requests this server is answering now (streams included)").register(meters);
            FunctionCounter.builder("caravan.overload.rejected", limit, AdmissionLimit::rejected).tag("server", address)
                    .description("requests refused with 503: caravan.api.max-in-flight reached").register(meters);
        }
        return limit;
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(factories.values());
        factories.clear();
        super.doStop();
    }
}
