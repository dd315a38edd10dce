package dev.caravan.routing;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.service.ServiceHelper;

import dev.caravan.error.ApiException;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.gateway.Attempt;
import dev.caravan.gateway.ChatCall;
import dev.caravan.gateway.RouteHeaders;
import dev.caravan.provider.StreamSession;

/**
 * One deployment's attempts at a call, asynchronously: skip when the request does not fit, refuse at once when
 * the breaker is open, otherwise call the provider on a copy of the exchange with this deployment's model and
 * timeout, record the outcome in the breaker, the latency average and the call's attempt trace, and retry
 * failover-able failures with exponential backoff and full jitter (honouring {@code retry-after} up to a cap),
 * never past the whole-request deadline. A client error (4xx) is passed through and counts as a success: the
 * provider worked. A stream counts when the provider's side of it ends (a break after the first chunk is a failure).
 */
final class DeploymentProcessor extends AsyncProcessorSupport implements Navigate<Processor> {

    private final Deployment d;
    private final AsyncProcessor inner;

    DeploymentProcessor(Deployment d, AsyncProcessor inner) {
        this.d = d;
        this.inner = inner;
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(inner);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(inner);
    }

    @Override
    public List<Processor> next() {
        return List.of(inner);
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String skip = d.skipReason(call);
        if (skip == null && call.attemptGuard() != null) {
            try {
                skip = call.attemptGuard().beforeAttempt(call, d.provider(), d.model());
            } catch (ApiException refused) {
                call.attempts().add(new Attempt(d.id(), refused.code(), 0));
                exchange.setException(refused);
                callback.done(true);
                return true;
            }
        }
        if (skip != null) {
            call.attempts().add(new Attempt(d.id(), "skipped:" + skip, 0));
            exchange.setException(new ProviderUnavailable(d.provider(), ProviderUnavailable.Reason.SKIPPED, 0, null,
                    "deployment " + d.id() + ": " + skip));
            callback.done(true);
            return true;
        }
        new Run(exchange, callback, call).attempt();
        return false;
    }

    private final class Run {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final ChatCall call;
        private int retriesDone;

        Run(Exchange exchange, AsyncCallback callback, ChatCall call) {
            this.exchange = exchange;
            this.callback = callback;
            this.call = call;
        }

        void attempt() {
            long remaining = TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos() - System.nanoTime());
            if (remaining <= 0) {
                call.attempts().add(new Attempt(d.id(), "deadline", 0));
                fail(new ProviderUnavailable(d.provider(), ProviderUnavailable.Reason.TIMEOUT, 0, null,
                        "the request deadline passed"));
                return;
            }
            if (!d.breaker().tryAcquirePermission()) {
                call.attempts().add(new Attempt(d.id(), "breaker_open", 0));
                fail(new ProviderUnavailable(d.provider(), ProviderUnavailable.Reason.BREAKER_OPEN, 0, null,
                        "deployment " + d.id() + " is paused by its circuit breaker"));
                return;
            }
            Exchange copy = ExchangeHelper.createCopy(exchange, true);
            copy.getMessage().setHeader(RouteHeaders.PROVIDER, d.provider());
            copy.getMessage().setHeader(RouteHeaders.MODEL, d.model());
            copy.getMessage().setHeader(RouteHeaders.DEPLOYMENT, d.id());
            copy.getMessage().setHeader(RouteHeaders.TIMEOUT_MS, Math.min(d.timeoutMs(), remaining));
            call.provider(d.provider());
            call.upstreamModel(d.model());
            long start = System.nanoTime();
            inner.process(copy, doneSync -> finished(copy, start));
        }

        private void finished(Exchange copy, long start) {
            long nanos = System.nanoTime() - start;
            long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
            Throwable e = copy.getException();
            if (e == null || e instanceof ApiException) {
                if (e == null && copy.getMessage().getBody() instanceof StreamSession stream) {
                    settleWhenStreamEnds(stream, nanos);
                } else {
                    d.breaker().onSuccess(nanos, TimeUnit.NANOSECONDS);
                }
                if (e == null) {
                    d.latency().record(ms);
                    call.deployment(d.id());
                }
                call.attempts().add(new Attempt(d.id(), e == null ? "ok" : "client_error", ms));
                ExchangeHelper.copyResults(exchange, copy);
                callback.done(false);
                return;
            }
            ProviderUnavailable pu = asUnavailable(e);
            if (pu.reason() == ProviderUnavailable.Reason.NOT_CONFIGURED) {
                d.breaker().releasePermission(); // a missing key is not the provider failing
            } else {
                d.breaker().onError(nanos, TimeUnit.NANOSECONDS, pu);
            }
            call.attempts().add(new Attempt(d.id(), outcome(pu), ms));
            long delay = retryDelay(pu);
            if (delay >= 0) {
                retriesDone++;
                scheduler().schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
                return;
            }
            fail(pu);
        }

        /**
         * A stream's attempt counts for the breaker when the provider's side of it ends, not when its first chunk
         * came: one the provider breaks off later (connection lost, error event, unreadable or truncated stream,
         * silence) is a failure, though the client was served what came before and is told of the break. Its
         * duration is still the time to the first chunk, so a long answer is not a slow call.
         */
        private void settleWhenStreamEnds(StreamSession stream, long nanos) {
            stream.whenUpstreamSettled(fault -> {
                if (fault) {
                    d.breaker().onError(nanos, TimeUnit.NANOSECONDS, new ProviderUnavailable(d.provider(),
                            ProviderUnavailable.Reason.CONNECTION, 0, null, "the stream broke off after its start"));
                } else {
                    d.breaker().onSuccess(nanos, TimeUnit.NANOSECONDS);
                }
            });
        }

        /** Milliseconds to wait before retrying this deployment, or -1 to give up on it. */
        private long retryDelay(ProviderUnavailable pu) {
            if (retriesDone >= d.retries() || pu.reason() == ProviderUnavailable.Reason.NOT_CONFIGURED) {
                return -1;
            }
            long ceiling = Math.min(d.maxBackoffMs(), d.backoffMs() << Math.min(retriesDone, 20));
            long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
            if (pu.retryAfterSeconds() != null) {
                long after = pu.retryAfterSeconds() * 1000;
                if (after > d.retryAfterCapMs()) {
                    return -1; // the provider asks for longer than we wait: fail over instead
                }
                delay = Math.max(delay, after);
            }
            long remaining = TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos() - System.nanoTime());
            return delay < remaining ? delay : -1;
        }

        private void fail(ProviderUnavailable pu) {
            exchange.setException(pu);
            callback.done(false);
        }

        private ScheduledExecutorService scheduler() {
            return call.channel() != null ? call.channel().channel().eventLoop() : DeploymentRegistry.TIMER;
        }
    }

    private ProviderUnavailable asUnavailable(Throwable e) {
        if (e instanceof ProviderUnavailable pu) {
            return pu;
        }
        if (e instanceof DirectConsumerNotAvailableException) {
            return new ProviderUnavailable(d.provider(), ProviderUnavailable.Reason.NOT_CONFIGURED, 0, null,
                    "no route serves provider " + d.provider());
        }
        return new ProviderUnavailable(d.provider(), ProviderUnavailable.Reason.SERVER_ERROR, 0, null,
                e.getClass().getSimpleName());
    }

    static String outcome(ProviderUnavailable pu) {
        return switch (pu.reason()) {
            case RATE_LIMITED, SERVER_ERROR -> pu.upstreamStatus() > 0 ? Integer.toString(pu.upstreamStatus()) : "error";
            case TIMEOUT -> "timeout";
            case CONNECTION -> "connection";
            case NOT_CONFIGURED -> "not_configured";
            case BREAKER_OPEN -> "breaker_open";
            case SKIPPED -> "skipped";
        };
    }
}
