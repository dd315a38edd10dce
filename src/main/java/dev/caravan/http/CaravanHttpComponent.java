package dev.caravan.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    public void setMaxBodyBytes(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** How long a request may go without a byte while it is being received (0 = no limit); then 408. */
    public void setRequestReadTimeoutMs(long ms) {
        this.requestReadTimeoutMs = ms;
    }

    public int getMaxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    protected HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(NettyHttpConsumer consumer) {
        return factories.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
            HttpServerBootstrapFactory f = new HttpServerBootstrapFactory(
                    getMultiplexChannelHandler(consumer.getConfiguration().getPort()));
            f.init(getCamelContext(), consumer.getConfiguration(),
                    new ApiServerInitializerFactory(consumer, maxBodyBytes, requestReadTimeoutMs));
            return f;
        });
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(factories.values());
        factories.clear();
        super.doStop();
    }
}
