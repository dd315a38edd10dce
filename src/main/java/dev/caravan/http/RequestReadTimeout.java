package dev.caravan.http;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Bounds how long a client may take to send one request. A request whose head or body stops arriving (a chunked
 * body that never ends, a slow-drip "slowloris" client) gets 408 in the endpoint's error envelope after
 * {@code caravan.api.request-read-timeout-ms} without a byte, and the connection is closed, so hostile clients
 * cannot hold buffers and connections for ever. A connection that is idle between requests, or that is receiving
 * a streamed answer, is not affected (the client has nothing to send then).
 */
final class RequestReadTimeout {

    private RequestReadTimeout() {
    }

    /** Adds the timer before the HTTP decoder and the tracker after it. */
    static void install(ChannelPipeline p, String decoderName, long timeoutMs) {
        if (timeoutMs <= 0) {
            return;
        }
        Tracker tracker = new Tracker();
        p.addBefore(decoderName, "caravan-read-idle", new IdleStateHandler(timeoutMs, 0, 0, TimeUnit.MILLISECONDS));
        p.addBefore(decoderName, "caravan-read-start", tracker.bytes());
        p.addAfter(decoderName, "caravan-read-timeout", tracker);
    }

    /**
     * Marks a request as being received from its first byte to its last chunk; on a reader-idle event while one is
     * being received, answers 408 and closes.
     */
    static final class Tracker extends ChannelDuplexHandler {
        private boolean receiving;
        private String uri;

        ChannelInboundHandlerAdapter bytes() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                    receiving = true;
                    super.channelRead(ctx, msg);
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                    if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE && receiving) {
                        ApiServerInitializerFactory.reject(ctx, uri, HttpResponseStatus.REQUEST_TIMEOUT,
                                "The request was not received in time: no data for the configured read timeout"
                                        + " (caravan.api.request-read-timeout-ms).", "request_timeout");
                        receiving = false;
                        return;
                    }
                    super.userEventTriggered(ctx, evt);
                }
            };
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest req) {
                uri = req.uri();
            }
            if (msg instanceof LastHttpContent) {
                receiving = false;
            }
            super.channelRead(ctx, msg);
        }
    }
}
