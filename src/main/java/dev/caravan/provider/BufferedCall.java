package dev.caravan.provider;

import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponse;

import dev.caravan.error.ProviderUnavailable;

/** A non-streamed exchange: the whole reply is collected, then handed over as an {@link UpstreamResponse}. */
final class BufferedCall extends UpstreamCallState {

    final CompletableFuture<UpstreamResponse> result;
    private int status;
    private io.netty.handler.codec.http.HttpHeaders headers;
    private CompositeByteBuf body;

    BufferedCall(UpstreamRequest request) {
        this(request, new CompletableFuture<>());
    }

    private BufferedCall(UpstreamRequest request, CompletableFuture<UpstreamResponse> result) {
        super(request);
        this.result = result;
    }

    @Override
    UpstreamCallState restart() {
        return new BufferedCall(request, result);
    }

    @Override
    void onHeaders(HttpResponse response, int status) {
        this.status = status;
        this.headers = response.headers();
        this.body = Unpooled.compositeBuffer(64);
    }

    @Override
    void onContent(ByteBuf content) {
        if (body.readableBytes() + content.readableBytes() > UpstreamClient.MAX_REPLY_BYTES) {
            failure(new IllegalStateException("reply larger than " + UpstreamClient.MAX_REPLY_BYTES + " bytes"));
            return;
        }
        body.addComponent(true, content.retain());
    }

    @Override
    void onEnd() {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        body.release();
        body = null;
        complete(true);
        result.complete(UpstreamResponse.read(status, headers, bytes));
    }

    @Override
    void onFailure(Throwable cause, boolean beforeHeaders) {
        if (body != null) {
            body.release();
            body = null;
        }
        complete(false);
        ProviderUnavailable pu = (ProviderUnavailable) UpstreamClient.unavailable(request.provider(), cause);
        result.completeExceptionally(pu);
    }

    @Override
    void fail(RuntimeException e) {
        result.completeExceptionally(e);
    }
}
