package dev.caravan.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.pool.ChannelPool;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.Test;

import dev.caravan.error.ProviderUnavailable;

/**
 * A pooled upstream connection can close between the pool handing it out and the call starting on it (its idle
 * timeout fires, the provider closes it); its pipeline is then gone. The call must retry once on another
 * connection or fail — before this was handled, it threw inside the pool's listener and the client's request
 * waited until its own timeout (found by FaultMatrixTest).
 */
class ClosedPooledConnectionTest {

    static final UpstreamRequest REQUEST = new UpstreamRequest("openai", URI.create("http://127.0.0.1:1/v1/chat"),
            Map.of(), "{}".getBytes(), false, Duration.ofSeconds(5), Duration.ofSeconds(5), null);

    @Test
    void aConnectionClosedBeforeTheCallStartedIsRetriedOnce() {
        BufferedCall call = new BufferedCall(REQUEST);
        AtomicInteger retries = new AtomicInteger();
        call.start(closed(), new RecordingPool(), retries::incrementAndGet);
        assertThat(retries).hasValue(1);
        assertThat(call.result).isNotDone();
    }

    @Test
    void withoutARetryLeftTheAttemptFailsInsteadOfWaiting() {
        BufferedCall call = new BufferedCall(REQUEST);
        RecordingPool pool = new RecordingPool();
        call.start(closed(), pool, null);
        assertThat(call.result).isCompletedExceptionally();
        assertThat(call.result.handle((r, e) -> UpstreamClient.unwrap(e))).isCompletedWithValueMatching(
                e -> e instanceof ProviderUnavailable);
    }

    static Channel closed() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.close();
        return ch;
    }

    /** The pool's side of the contract: what was given back. */
    static final class RecordingPool implements ChannelPool {
        final List<Channel> released = new ArrayList<>();

        @Override
        public Future<Channel> acquire() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Channel> acquire(Promise<Channel> promise) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Void> release(Channel channel) {
            released.add(channel);
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }

        @Override
        public Future<Void> release(Channel channel, Promise<Void> promise) {
            return release(channel);
        }

        @Override
        public void close() {
        }
    }
}
