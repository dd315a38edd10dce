package dev.caravan.provider;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.UnaryOperator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;

import dev.caravan.api.Usage;

/**
 * A streamed exchange: a 2xx reply feeds a {@link StreamSession} part by part as it arrives (reading pauses when
 * the client falls behind); an error status is collected whole and handed over as an {@link UpstreamResponse}.
 */
final class StreamingCall extends UpstreamCallState implements Flow.Subscription {

    final CompletableFuture<Object> result;
    private final StreamEncoder encoder;
    private final UnaryOperator<Usage> decorator;
    private StreamSession session;
    private long demand;
    private boolean cancelled;
    private int status;
    private io.netty.handler.codec.http.HttpHeaders headers;
    private CompositeByteBuf errorBody;

    StreamingCall(UpstreamRequest request, StreamEncoder encoder, UnaryOperator<Usage> decorator) {
        this(request, encoder, decorator, new CompletableFuture<>());
    }

    private StreamingCall(UpstreamRequest request, StreamEncoder encoder, UnaryOperator<Usage> decorator,
            CompletableFuture<Object> result) {
        super(request);
        this.encoder = encoder;
        this.decorator = decorator;
        this.result = result;
    }

    @Override
    UpstreamCallState restart() {
        return new StreamingCall(request, encoder, decorator, result);
    }

    @Override
    void onHeaders(HttpResponse response, int status) {
        this.status = status;
        this.headers = response.headers();
        if (status / 100 != 2) {
            errorBody = Unpooled.compositeBuffer(16);
            return;
        }
        cancelDeadline(); // from here the session keeps time (first event, then idle gaps)
        session = new StreamSession(request.provider(), request.translator(), encoder, decorator,
                request.timeout().toNanos(), request.idle().toNanos(), channel.eventLoop());
        session.firstChunk().whenComplete((s, err) -> {
            if (err != null) {
                result.completeExceptionally(UpstreamClient.unwrap(err));
            } else {
                result.complete(s);
            }
        });
        session.onSubscribe(this);
    }

    @Override
    void onContent(ByteBuf content) {
        if (errorBody != null) {
            if (errorBody.readableBytes() < 1024 * 1024) {
                errorBody.addComponent(true, content.retain());
            }
            return;
        }
        demand--;
        session.onNext(List.of(content.nioBuffer()));
        // a session that has its whole answer asks for nothing more, but the reply's last chunk may still be on
        // its way: keep reading it, or the connection would stay out of the pool for ever
        if (demand <= 0 && !isFinished() && !session.isEnded()) {
            channel.config().setAutoRead(false);
        }
    }

    @Override
    void onEnd() {
        if (errorBody != null) {
            byte[] bytes = new byte[errorBody.readableBytes()];
            errorBody.readBytes(bytes);
            errorBody.release();
            errorBody = null;
            complete(true);
            result.complete(UpstreamResponse.read(status, headers, bytes));
            return;
        }
        complete(!cancelled);
        session.onComplete();
    }

    @Override
    void onFailure(Throwable cause, boolean beforeHeaders) {
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        complete(false);
        if (session == null) {
            result.completeExceptionally(UpstreamClient.unavailable(request.provider(), cause));
        } else if (!cancelled) {
            session.onError(cause);
        }
    }

    @Override
    void fail(RuntimeException e) {
        result.completeExceptionally(e);
    }

    // ---- Flow.Subscription, called by the session (possibly from another thread) ----

    @Override
    public void request(long n) {
        onLoop(() -> {
            demand += n;
            if (demand > 0 && !isFinished() && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
                channel.read();
            }
        });
    }

    @Override
    public void cancel() {
        onLoop(() -> {
            cancelled = true;
            if (!isFinished()) {
                complete(false);
            }
        });
    }

    private void onLoop(Runnable r) {
        Channel ch = channel;
        if (ch.eventLoop().inEventLoop()) {
            r.run();
        } else {
            ch.eventLoop().execute(r);
        }
    }
}
