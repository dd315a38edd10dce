package dev.caravan.gateway;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorFormat;
import dev.caravan.error.ErrorMapper;
import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.StreamSession;
import dev.caravan.support.Secrets;

/**
 * The {@code onException} step of the API routes: any failure becomes an OpenAI error envelope with the right
 * status. Unexpected exceptions are logged once with the request id (scrubbed) and answered with a generic 500.
 * Like {@link ResponseWriter}, the reply waits for what holds it (the ledger commit in durability=sync).
 */
public final class ErrorResponder extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    private final CallEvents events;

    public ErrorResponder(CallEvents events) {
        this.events = events;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            respond(exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return ResponseWriter.afterHold(exchange.getProperty(ChatCall.PROPERTY, ChatCall.class), callback);
    }

    private void respond(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ChatCall call = exchange.getProperty(ChatCall.PROPERTY, ChatCall.class);
        String requestId = call == null ? "unknown" : call.requestId();
        ErrorMapper.ClientError ce = t instanceof ProviderUnavailable pu && call != null && !call.attempts().isEmpty()
                ? ErrorMapper.allDeploymentsFailed(pu, call.attemptsHeader())
                : ErrorMapper.toClient(t, requestId);
        if (!(t instanceof ApiException) && !(t instanceof ProviderUnavailable)) {
            LOG.error("request {} failed: {}", requestId, Secrets.scrub(String.valueOf(t)), scrubbed(t));
        }
        if (exchange.getMessage().getBody() instanceof StreamSession dropped) {
            // a step after the deployment failed: the stream it started is not going anywhere
            dropped.abandon();
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
