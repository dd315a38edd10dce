package dev.caravan.routing;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Endpoint;
import org.apache.camel.EndpointAware;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.support.ExchangeHelper;

import dev.caravan.error.ProviderUnavailable;
import dev.caravan.gateway.ChatCall;

/**
 * A chain of deployments ({@code to: direct:deployment.<id>} steps of a {@code loadBalance}) tried in an order the
 * strategy decides, moving to the next on {@link ProviderUnavailable} (the deployment itself refuses fast when its
 * breaker is open or the request does not fit it). Each attempt runs on a copy of the exchange, as Camel's own
 * failover balancer does; a client error or success ends the chain.
 */
public abstract class ChainLoadBalancer extends LoadBalancerSupport {

    private volatile Deployment[] resolved;

    /** The order in which to try the chain's deployments (indexes into {@code deployments}). */
    protected abstract int[] order(Exchange exchange, ChatCall call, Deployment[] deployments);

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        AsyncProcessor[] processors = doGetProcessors();
        Deployment[] deployments = deployments(processors);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        int[] order = order(exchange, call, deployments);
        new State(exchange, callback, processors, order).next();
        return false;
    }

    private final class State {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final AsyncProcessor[] processors;
        private final int[] order;
        private int position;
        private Exchange copy;

        State(Exchange exchange, AsyncCallback callback, AsyncProcessor[] processors, int[] order) {
            this.exchange = exchange;
            this.callback = callback;
            this.processors = processors;
            this.order = order;
        }

        void next() {
            if (copy != null && !(copy.getException() instanceof ProviderUnavailable)) {
                ExchangeHelper.copyResults(exchange, copy);
                callback.done(false);
                return;
            }
            if (position >= order.length) {
                if (copy != null) {
                    ExchangeHelper.copyResults(exchange, copy);
                } else {
                    exchange.setException(new ProviderUnavailable("chain", ProviderUnavailable.Reason.SKIPPED, 0,
                            null, "no deployment in the chain"));
                }
                callback.done(false);
                return;
            }
            copy = ExchangeHelper.createCopy(exchange, true);
            AsyncProcessor p = processors[order[position++]];
            p.process(copy, doneSync -> exchange.getContext().getCamelContextExtension().getReactiveExecutor()
                    .schedule(this::next));
        }
    }

    private Deployment[] deployments(AsyncProcessor[] processors) {
        Deployment[] r = resolved;
        if (r != null && r.length == processors.length) {
            return r;
        }
        DeploymentRegistry registry = processors.length == 0 ? null
                : getCamelContext().getRegistry().findSingleByType(DeploymentRegistry.class);
        r = new Deployment[processors.length];
        for (int i = 0; i < processors.length; i++) {
            String uri = endpointUri(processors[i]);
            String id = uri == null ? null : uri.replaceFirst("^direct:(//)?deployment\\.", "").replaceFirst("\\?.*$", "");
            r[i] = registry == null || id == null ? null : registry.get(id);
            if (r[i] == null) {
                throw new IllegalStateException("a " + getClass().getSimpleName()
                        + " step must be 'to: direct:deployment.<id>' of a defined deployment, got " + uri);
            }
        }
        resolved = r;
        return r;
    }

    private org.apache.camel.CamelContext getCamelContext() {
        return getProcessors().isEmpty() ? null : camelContextOf(getProcessors().get(0));
    }

    private static org.apache.camel.CamelContext camelContextOf(Processor p) {
        Endpoint e = endpoint(p);
        return e == null ? null : e.getCamelContext();
    }

    static String endpointUri(Processor p) {
        Endpoint e = endpoint(p);
        return e == null ? null : e.getEndpointUri();
    }

    @SuppressWarnings("unchecked")
    private static Endpoint endpoint(Processor p) {
        if (p instanceof EndpointAware ea) {
            return ea.getEndpoint();
        }
        if (p instanceof Navigate<?> nav && nav.hasNext()) {
            for (Processor child : ((Navigate<Processor>) nav).next()) {
                Endpoint e = endpoint(child);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    /** The indexes 0..n-1 sorted by a key, ascending. */
    static int[] sortedBy(int n, java.util.function.IntToDoubleFunction key) {
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> Double.compare(key.applyAsDouble(a), key.applyAsDouble(b)));
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }
}
