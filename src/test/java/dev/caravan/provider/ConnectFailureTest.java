package dev.caravan.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

/** A failed connect is described by its own reason, without the address, not always as "connection refused". */
class ConnectFailureTest {

    @Test
    void aRefusedConnectThroughNettyIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(new InetSocketAddress("127.0.0.1", port));
            assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(f.cause()).isInstanceOf(ConnectException.class);
            assertThat(f.cause().getMessage()).contains(Integer.toString(port));
            assertThat(UpstreamClient.describe(f.cause())).isEqualTo("connection refused");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void otherConnectFailuresKeepTheirReasonAndDropTheAddress() {
        assertThat(UpstreamClient.describe(new ConnectException("Cannot assign requested address: /127.0.0.1:18002")))
                .isEqualTo("cannot assign requested address");
        assertThat(UpstreamClient.describe(new ConnectException("No route to host: api.example.com/10.0.0.7:443")))
                .isEqualTo("no route to host");
        assertThat(UpstreamClient.describe(
                new ConnectException("finishConnect(..) failed: Network is unreachable: /10.0.0.7:443")))
                .isEqualTo("network is unreachable");
        assertThat(UpstreamClient.describe(new ConnectException("Connection refused"))).isEqualTo("connection refused");
        assertThat(UpstreamClient.describe(new ConnectException())).isEqualTo("connection failed");
        assertThat(UpstreamClient.describe(new ConnectException(": /10.0.0.7:443"))).isEqualTo("connection failed");
    }
}
