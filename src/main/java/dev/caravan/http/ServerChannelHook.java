package dev.caravan.http;

import io.netty.channel.Channel;

/**
 * Extra handlers for every server connection Caravan accepts (the API and the admin plane), found with
 * {@link java.util.ServiceLoader} when the first connection is set up. Caravan ships none; a host or a test adds
 * one by listing its class in {@code META-INF/services/dev.caravan.http.ServerChannelHook} (the tests record every
 * reply this way and scan them for secrets).
 */
public interface ServerChannelHook {

    /** Called once per accepted connection, after Caravan's own handlers are in place. */
    void initChannel(Channel channel);
}
