package dev.caravan.ledger;

import java.util.Map;

/**
 * {@link LedgerSyncRouteTest} with the route steps on the Netty event loop ({@code caravan.api.netty-executor=false}):
 * the wait for the commit holds no thread, so it works there too.
 */
class LedgerSyncEventLoopRouteTest extends LedgerSyncRouteTest {

    @Override
    protected Map<String, String> properties() {
        return with(Map.of("caravan.api.netty-executor", "false"));
    }
}
