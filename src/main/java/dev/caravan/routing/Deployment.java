package dev.caravan.routing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;
import org.apache.camel.support.AsyncProcessorConverterHelper;

import dev.caravan.gateway.ChatCall;

/**
 * One deployment: a provider and model with its own per-attempt timeout, Resilience4j circuit breaker, retry
 * policy and weight. Created per {@code templatedRoute} of the {@code deployment} template, whose route wraps the
 * provider call in this policy ({@code policy: {ref: ...}}). The breaker lives in the shared
 * {@link DeploymentRegistry}, keyed by the deployment id, so its state survives reloads of route files (it is
 * only replaced when its settings change).
 *
 * <p>Why a policy and not Camel's {@code circuitBreaker} EIP: that EIP runs its steps synchronously and, with a
 * timeout, on a second thread while the first one waits, so every call in flight would hold one or two threads
 * for as long as the provider takes. This policy drives the same Resilience4j breaker asynchronously.
 */
public class Deployment implements Policy, CamelContextAware, DeploymentMXBean {

    private CamelContext camelContext;
    private String id;
    private String provider;
    private String model;
    private long timeoutMs = 60_000;
    private float failureRateThreshold = 50;
    private float slowCallRateThreshold = 100;
    private long slowCallDurationThresholdMs = 60_000;
    private int minimumNumberOfCalls = 10;
    private int slidingWindowSize = 20;
    private long waitDurationInOpenStateMs = 30_000;
    private int permittedNumberOfCallsInHalfOpenState = 2;
    private int retries;
    private long backoffMs = 200;
    private long maxBackoffMs = 5_000;
    private long retryAfterCapMs = 10_000;
    private double weight = 1;
    private int quality;
    private long contextWindow;
    private String capabilities;
    private String inputPrice;
    private String outputPrice;

    private CircuitBreaker breaker;
    private DeploymentRegistry registry;
    private ModelFacts facts = ModelFacts.NONE;
    private LatencyStats latency;

    public void init() {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("deployment id must match [A-Za-z0-9][A-Za-z0-9._-]*, got '" + id + "'");
        }
        if (provider == null || provider.isBlank() || model == null || model.isBlank()) {
            throw new IllegalArgumentException("deployment " + id + " needs a provider and a model");
        }
        registry = camelContext.getRegistry().findSingleByType(DeploymentRegistry.class);
        ModelFacts f = camelContext.getRegistry().findSingleByType(ModelFacts.class);
        facts = f == null ? ModelFacts.NONE : f;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRateThreshold).slowCallRateThreshold(slowCallRateThreshold)
                .slowCallDurationThreshold(Duration.ofMillis(slowCallDurationThresholdMs))
                .minimumNumberOfCalls(minimumNumberOfCalls).slidingWindowSize(slidingWindowSize)
                .waitDurationInOpenState(Duration.ofMillis(waitDurationInOpenStateMs))
                .permittedNumberOfCallsInHalfOpenState(permittedNumberOfCallsInHalfOpenState)
                .recordExceptions(Throwable.class).build();
        String signature = String.join("|", String.valueOf(failureRateThreshold), String.valueOf(slowCallRateThreshold),
                String.valueOf(slowCallDurationThresholdMs), String.valueOf(minimumNumberOfCalls),
                String.valueOf(slidingWindowSize), String.valueOf(waitDurationInOpenStateMs),
                String.valueOf(permittedNumberOfCallsInHalfOpenState));
        breaker = registry.breaker(id, signature, config);
        latency = registry.latency(id);
        registry.register(this);
        registerMBean();
    }

    private void registerMBean() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.caravan:type=deployments,name=" + ObjectName.quote(id));
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the MBean of deployment " + id, e);
        }
    }

    // ---- Policy ----

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new DeploymentProcessor(this, AsyncProcessorConverterHelper.convert(processor));
    }

    // ---- decisions ----

    /** Why this deployment cannot serve the call (context window, capability), or null when it can. */
    String skipReason(ChatCall call) {
        long window = contextWindow > 0 ? contextWindow
                : facts.contextWindow(provider, model).orElse(0);
        if (window > 0 && call.promptTokens() >= 0) {
            Integer cap = call.request().outputCap();
            long needed = call.promptTokens() + (cap == null ? 0 : cap);
            if (needed > window) {
                return "context_window(" + needed + ">" + window + ")";
            }
        }
        Optional<Set<String>> caps = capabilitySet();
        if (caps.isPresent()) {
            if (call.raw().path("tools").size() > 0 && !caps.get().contains("tools")) {
                return "no_tools";
            }
            if (RequestFacts.estimate(call.raw()).images() > 0 && !caps.get().contains("vision")) {
                return "no_vision";
            }
        }
        return null;
    }

    private Optional<Set<String>> capabilitySet() {
        if (capabilities != null && !capabilities.isBlank()) {
            Set<String> s = new HashSet<>();
            for (String c : capabilities.split(",")) {
                s.add(c.trim().toLowerCase(Locale.ROOT));
            }
            return Optional.of(s);
        }
        return facts.capabilities(provider, model);
    }

    /** Price per million tokens (parameters first, then the catalog). */
    Optional<ModelFacts.Price> price() {
        if (inputPrice != null && !inputPrice.isBlank() && outputPrice != null && !outputPrice.isBlank()) {
            return Optional.of(new ModelFacts.Price(Double.parseDouble(inputPrice), Double.parseDouble(outputPrice)));
        }
        return facts.price(provider, model);
    }

    OptionalLong contextWindowTokens() {
        return contextWindow > 0 ? OptionalLong.of(contextWindow) : facts.contextWindow(provider, model);
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    LatencyStats latency() {
        return latency != null ? latency : (latency = new LatencyStats());
    }

    // ---- accessors used by the processor and the load balancers ----

    public String id() {
        return id;
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    int retries() {
        return retries;
    }

    long backoffMs() {
        return backoffMs;
    }

    long maxBackoffMs() {
        return maxBackoffMs;
    }

    long retryAfterCapMs() {
        return retryAfterCapMs;
    }

    public double weight() {
        return weight;
    }

    public int quality() {
        return quality;
    }

    // ---- DeploymentMXBean (JMX, Hawtio) ----

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getProvider() {
        return provider;
    }

    @Override
    public String getModel() {
        return model;
    }

    @Override
    public String getState() {
        return breaker.getState().name();
    }

    @Override
    public float getFailureRate() {
        return breaker.getMetrics().getFailureRate();
    }

    @Override
    public float getSlowCallRate() {
        return breaker.getMetrics().getSlowCallRate();
    }

    @Override
    public int getBufferedCalls() {
        return breaker.getMetrics().getNumberOfBufferedCalls();
    }

    @Override
    public int getFailedCalls() {
        return breaker.getMetrics().getNumberOfFailedCalls();
    }

    @Override
    public long getNotPermittedCalls() {
        return breaker.getMetrics().getNumberOfNotPermittedCalls();
    }

    @Override
    public double getLatencyEwmaMillis() {
        return latency().ewmaMillis();
    }

    @Override
    public double getWeight() {
        return weight;
    }

    @Override
    public void resetBreaker() {
        breaker.reset();
    }

    // ---- template parameters ----

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setId(String id) {
        this.id = id;
    }

    public void setProvider(String provider) {
        this.provider = provider;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public void setTimeoutMs(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    public void setFailureRateThreshold(float v) {
        this.failureRateThreshold = v;
    }

    public void setSlowCallRateThreshold(float v) {
        this.slowCallRateThreshold = v;
    }

    public void setSlowCallDurationThresholdMs(long v) {
        this.slowCallDurationThresholdMs = v;
    }

    public void setMinimumNumberOfCalls(int v) {
        this.minimumNumberOfCalls = v;
    }

    public void setSlidingWindowSize(int v) {
        this.slidingWindowSize = v;
    }

    public void setWaitDurationInOpenStateMs(long v) {
        this.waitDurationInOpenStateMs = v;
    }

    public void setPermittedNumberOfCallsInHalfOpenState(int v) {
        this.permittedNumberOfCallsInHalfOpenState = v;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }

    public void setBackoffMs(long backoffMs) {
        this.backoffMs = backoffMs;
    }

    public void setMaxBackoffMs(long maxBackoffMs) {
        this.maxBackoffMs = maxBackoffMs;
    }

    public void setRetryAfterCapMs(long retryAfterCapMs) {
        this.retryAfterCapMs = retryAfterCapMs;
    }

    public void setWeight(double weight) {
        this.weight = weight;
    }

    public void setQuality(int quality) {
        this.quality = quality;
    }

    public void setContextWindow(long contextWindow) {
        this.contextWindow = contextWindow;
    }

    public void setCapabilities(String capabilities) {
        this.capabilities = capabilities;
    }

    public void setInputPrice(String inputPrice) {
        this.inputPrice = inputPrice;
    }

    public void setOutputPrice(String outputPrice) {
        this.outputPrice = outputPrice;
    }

    @Override
    public String toString() {
        return "Deployment[" + id + " -> " + provider + "/" + model + "]";
    }
}
