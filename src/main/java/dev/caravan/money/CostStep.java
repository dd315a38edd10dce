package dev.caravan.money;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.catalog.Cost;
import dev.caravan.catalog.TokenCounts;
import dev.caravan.gateway.ChatCall;
import dev.caravan.provider.ChatResult;
import dev.caravan.provider.EstimatedUsage;

/**
 * After the providers, before the reply of a non-streamed call: prices the answer's usage, writes
 * {@code usage.cost} and {@code usage.cost_details} into the body and sets {@code x-caravan-cost-usd} (or
 * {@code unknown}); stores a fresh answer in the response cache; a cached answer costs 0 and notes what it saved.
 * Streams pass through (their cost is added to the final usage chunk by the decorator {@link Admission} set).
 */
public final class CostStep implements Processor {

    private final Meter meter;
    private final CacheStep cache;

    public CostStep(Meter meter, CacheStep cache) {
        this.meter = meter;
        this.cache = cache;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!(exchange.getMessage().getBody() instanceof ChatResult r)) {
            return;
        }
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        CallCharge charge = call.attachment(CallCharge.class);
        if (charge == null) {
            return;
        }
        CallCharge.Priced p;
        if (charge.cacheHit != null) {
            Cost original = charge.cacheHit.cost();
            p = new CallCharge.Priced(Cost.ZERO, TokenCounts.of(r.usage()), null, false, true,
                    original == null ? null : original.total());
        } else {
            byte[] asSent = charge.cacheKey != null ? r.bytes() : null;
            p = r.usage() == null ? new CallCharge.Priced(null, TokenCounts.NONE, null, false, false, null)
                    : meter.price(call, TokenCounts.of(r.usage()), r.model(),
                            call.attachment(EstimatedUsage.class) != null);
            if (asSent != null) {
                cache.store(call, charge, asSent, r.usage(), p.cost());
            }
        }
        charge.priced = p;
        CallCharge.Priced priced = p;
        r.editUsage(usage -> Meter.write(usage, priced));
        call.responseHeader(Meter.COST_HEADER, Meter.header(p));
    }
}
