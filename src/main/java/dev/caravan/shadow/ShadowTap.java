package dev.caravan.shadow;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The bean of one shadow step (route template {@code shadow}): samples the call before the target
 * ({@link #sample}), decides whether it is copied after ({@link #admit}, the step's filter) and prepares the copy on
 * the caller's thread ({@link #process}, the wire tap's onPrepare).
 * Both never throw: whatever happens to the copy, the client's exchange is left as it was.
 */
public class ShadowTap implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private volatile ShadowRecorder recorder;
    private String id;
    private String candidate;
    private double sample = 1.0;

    /**
     * Before the target: decides whether this call is sampled; a sampled stream's first choice is kept as it goes
     * to the client, for the comparison.
     */
    public void sample(Exchange exchange) {
        ShadowRecorder r = recorder();
        if (r != null) {
            r.sample(this, exchange);
        }
    }

    /** True when this call is copied: it succeeded, it is sampled, and a shadow slot is free (else counted). */
    public boolean admit(Exchange exchange) {
        ShadowRecorder r = recorder();
        return r != null && r.admit(this, exchange);
    }

    /** The wire tap's onPrepare: the copy becomes the candidate's call. */
    @Override
    public void process(Exchange copy) {
        ShadowRecorder r = recorder();
        if (r != null) {
            r.prepare(this, copy);
        }
    }

    private ShadowRecorder recorder() {
        ShadowRecorder r = recorder;
        if (r == null && camelContext != null) {
            r = camelContext.getRegistry().lookupByNameAndType(ShadowRecorder.BEAN, ShadowRecorder.class);
            recorder = r;
        }
        return r;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    /** The endpoint the copy is sent to, e.g. {@code direct:deployment.llama-70b}. */
    public String getCandidate() {
        return candidate;
    }

    public void setCandidate(String candidate) {
        if (candidate == null || !candidate.trim().startsWith("direct:")) {
            throw new IllegalArgumentException("shadow candidate must be a direct: endpoint (a deployment or a "
                    + "chain), got " + candidate);
        }
        this.candidate = candidate.trim();
    }

    /** Share of calls copied, 0 (none) to 1 (all). */
    public double getSample() {
        return sample;
    }

    public void setSample(double sample) {
        if (!(sample >= 0 && sample <= 1)) {
            throw new IllegalArgumentException("shadow sample must be between 0 and 1, got " + sample);
        }
        this.sample = sample;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
