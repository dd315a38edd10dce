package dev.caravan.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import dev.caravan.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/** The logback converters mask registered secrets in messages and stack traces, whoever logs them. */
class ScrubbingConvertersTest {

    static final String SECRET = "an-opaque-registered-secret-4711";

    @Test
    void messagesAndStackTracesAreScrubbed() {
        Secrets.register(SECRET);
        LoggerContext ctx = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.getInstanceConverterMap().put("scrubbedMsg", ScrubbingMessageConverter::new);
        layout.getInstanceConverterMap().put("scrubbedEx", ScrubbingThrowableConverter::new);
        layout.setPattern("%scrubbedMsg%n%scrubbedEx");
        layout.start();
        Logger logger = ctx.getLogger("some.library");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
                "calling upstream with key {} and Authorization: Bearer {}",
                new IllegalStateException("rejected key " + SECRET), new Object[] {SECRET, "abcdefghijklmnop1234"});
        String out = layout.doLayout(event);
        assertThat(out).doesNotContain(SECRET, "abcdefghijklmnop1234");
        assertThat(out).contains("calling upstream with key [redacted]", "IllegalStateException: rejected key [redacted]",
                "at dev.caravan.logging.ScrubbingConvertersTest");
    }
}
