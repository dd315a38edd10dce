package dev.caravan.reload;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Endpoint;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.component.direct.DirectConsumer;
import org.apache.camel.component.direct.DirectEndpoint;

/**
 * Camel's {@code direct} component, with one change that makes route files reloadable without a pause: when a
 * new revision of a route starts, its consumer takes over the endpoint at once (newest wins) while the previous
 * revision keeps processing the exchanges it already has; when that old revision is finally stopped, its
 * deregistration does not touch the new one. Camel's own direct component refuses a second consumer, which forces
 * "stop the old route (waiting for its in-flight exchanges) then start the new one" and blocks every caller for
 * as long as the slowest in-flight call.
 *
 * <p>Bound in the registry as {@code direct}, so route files keep the standard scheme. Two different routes
 * claiming the same endpoint are still rejected by {@link RouteFiles}, which checks inputs before a reload.
 */
public class SwitchableDirectComponent extends DirectComponent {

    private final Map<String, DirectConsumer> consumers = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        SwitchableDirectEndpoint endpoint = new SwitchableDirectEndpoint(uri, this);
        endpoint.setBlock(isBlock());
        endpoint.setTimeout(getTimeout());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    public void addConsumer(String key, DirectConsumer consumer) {
        lock.lock();
        try {
            consumers.put(key, consumer);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        invalidateProducers(consumer);
    }

    @Override
    public void removeConsumer(String key, DirectConsumer consumer) {
        lock.lock();
        try {
            consumers.remove(key, consumer);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        invalidateProducers(consumer);
    }

    /**
     * Direct producers cache their consumer until the component's (package-private) state counter changes; a
     * registration under a private key through the base class moves that counter, so they look up again.
     */
    private void invalidateProducers(DirectConsumer consumer) {
        super.addConsumer(STATE_KEY, consumer);
        super.removeConsumer(STATE_KEY, consumer);
    }

    private static final String STATE_KEY = "caravan:state-change";

    /** Gives the endpoint back to a previous consumer (used when a new revision failed to start). */
    public void restore(DirectConsumer consumer) {
        addConsumer(keyOf(consumer), consumer);
    }

    /** The consumer currently serving {@code key}, if any. */
    public DirectConsumer current(String key) {
        lock.lock();
        try {
            return consumers.get(key);
        } finally {
            lock.unlock();
        }
    }

    static String keyOf(DirectConsumer consumer) {
        String uri = consumer.getEndpoint().getEndpointUri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    protected DirectConsumer getConsumer(String key, boolean block, long timeout) throws InterruptedException {
        lock.lock();
        try {
            DirectConsumer answer = consumers.get(key);
            if (answer == null && block) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
                while ((answer = consumers.get(key)) == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    changed.awaitNanos(left);
                }
            }
            return answer;
        } finally {
            lock.unlock();
        }
    }

    /** A direct endpoint that lets the route startup check accept a new revision next to the old one. */
    static final class SwitchableDirectEndpoint extends DirectEndpoint implements MultipleConsumersSupport {
        SwitchableDirectEndpoint(String uri, DirectComponent component) {
            super(uri, component);
        }

        @Override
        public boolean isMultipleConsumersSupported() {
            return true;
        }
    }
}
