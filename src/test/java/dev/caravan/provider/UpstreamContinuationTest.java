package dev.caravan.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rest of the route runs inside the upstream call's future once the reply is in. Anything thrown there used to
 * vanish in that future, leaving the exchange in flight with no trace (the kind of hang one soak showed once); it is
 * now logged with the request it belongs to.
 */
class UpstreamContinuationTest {

    @Test
    void aRouteThatFailsToContinueAfterTheReplyIsLogged() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger log = (Logger) LoggerFactory.getLogger(UpstreamCall.class);
        log.addAppender(lines);
        try (StubUpstream stub = new StubUpstream();
                UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2));
                DefaultCamelContext camel = new DefaultCamelContext()) {
            stub.always((req, reply) -> reply.json(200, "{\"id\":\"c\",\"choices\":[]}"));
            Exchange ex = new DefaultExchange(camel);
            ex.getMessage().setBody(new UpstreamRequest("openai", URI.create(stub.baseUrl() + "/v1/chat/completions"),
                    Map.of(), "{}".getBytes(), false, Duration.ofSeconds(5), Duration.ofSeconds(5), null));
            boolean sync = new UpstreamCall(client).process(ex, doneSync -> {
                throw new IllegalStateException("the next step broke");
            });
            assertThat(sync).isFalse();
            await().atMost(5, TimeUnit.SECONDS).until(() -> !lines.list.isEmpty());
            ILoggingEvent e = lines.list.get(0);
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).contains(ex.getExchangeId()).contains("did not finish");
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("the next step broke");
            assertThat(ex.getMessage().getBody()).isInstanceOf(UpstreamResponse.class);
        } finally {
            log.detachAppender(lines);
        }
    }
}
