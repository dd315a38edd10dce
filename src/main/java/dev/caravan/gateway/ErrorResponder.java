package dev.caravan.gateway;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorFormat;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.support.Secrets;

/**
 * The {@code onException} step of the API routes: any failure becomes an OpenAI error envelope with the right
 * status. Unexpected exceptions are logged once with the request id (scrubbed) and answered with a generic 500.
 */
public final class ErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    private final CallEvents events;

    public ErrorResponder(CallEvents events) {
        this.events = events;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String requestId = call == null ? "unknown" : call.requestId();
        ErrorMapper.ClientError ce = t instanceof ProviderUnavailable pu && call != null && !call.attempts().isEmpty()
                ? ErrorMapper.allDeploymentsFailed(pu, call.attemptsHeader())
                : ErrorMapper.toClient(t, requestId);
        if (!(t instanceof ApiException) && !(t instanceof ProviderUnavailable)) {
            LOG.error("request {} failed: {}", requestId, Secrets.scrub(String.valueOf(t)), scrubbed(t));
        }
        ErrorFormat.Reply reply = (call == null ? ErrorFormat.OPENAI : call.errorFormat()).reply(ce);
        if (call != null) {
            call.status(reply.status());
        }
        HttpReplies.json(exchange, reply.status(), reply.body(), reply.headers());
        events.completed(call, new CallOutcome(reply.status(), call == null ? null : call.usage(),
                call != null && call.isStream(), "error", ce.body().error().code(), 0, 0, System.nanoTime()));
    }

    /** The stack trace without the message (messages may quote upstream text). */
    private static Throwable scrubbed(Throwable t) {
        Throwable copy = new Throwable(t.getClass().getName());
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }
}
