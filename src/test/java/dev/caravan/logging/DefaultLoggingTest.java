package dev.caravan.logging;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.caravan.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logging Caravan sets up in code ({@link DefaultLogging}) is the configuration of {@code config/logback.xml},
 * the file users copy to change it: same loggers, levels, additivity and appenders, and the same bytes for the same
 * event, secrets scrubbed; and a configuration file of one's own still takes over.
 */
class DefaultLoggingTest {

    static final List<String> LOGGERS = List.of(Logger.ROOT_LOGGER_NAME, "caravan.access", "org.apache.camel",
            "io.netty", "org.eclipse.jetty", "io.hawt", "dev.caravan.gateway");

    private final List<LoggerContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(LoggerContext::stop);
        System.clearProperty(DefaultLogging.ACCESS_LEVEL);
        System.clearProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
    }

    private LoggerContext fromXml() throws Exception {
        LoggerContext ctx = new LoggerContext();
        contexts.add(ctx);
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(ctx);
        joran.doConfigure(Path.of("config/logback.xml").toFile());
        return ctx;
    }

    private LoggerContext fromCode() {
        LoggerContext ctx = new LoggerContext();
        contexts.add(ctx);
        DefaultLogging logging = new DefaultLogging();
        logging.setContext(ctx);
        assertThat(logging.configure(ctx)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        return ctx;
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
        List<Appender<ILoggingEvent>> list = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext();) {
            list.add(it.next());
        }
        return list;
    }

    /** Logger → level, additivity, appender tree (name, class, async settings). */
    private static String shape(LoggerContext ctx) {
        StringBuilder b = new StringBuilder();
        for (String name : LOGGERS) {
            Logger l = ctx.getLogger(name);
            b.append(name).append(" level=").append(l.getLevel()).append(" effective=").append(l.getEffectiveLevel())
                    .append(" additive=").append(l.isAdditive());
            for (Appender<ILoggingEvent> a : appenders(l)) {
                b.append(" [").append(describe(a)).append(']');
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String describe(Appender<ILoggingEvent> a) {
        String s = a.getName() + ":" + a.getClass().getSimpleName() + " started=" + a.isStarted();
        if (a instanceof AsyncAppender async) {
            s += " neverBlock=" + async.isNeverBlock() + " queue=" + async.getQueueSize() + " discard="
                    + async.getDiscardingThreshold();
            for (Iterator<Appender<ILoggingEvent>> it = async.iteratorForAppenders(); it.hasNext();) {
                s += " > " + describe(it.next());
            }
        }
        if (a instanceof BatchingConsoleAppender batching) {
            s += " queue=" + batching.getQueueSize() + " batchMillis=" + batching.getBatchMillis();
        }
        return s;
    }

    private static String encode(Appender<ILoggingEvent> a, ILoggingEvent e) {
        if (a instanceof AsyncAppender async) {
            return encode(async.iteratorForAppenders().next(), e);
        }
        if (a instanceof BatchingConsoleAppender batching) {
            return new String(batching.getEncoder().encode(e), StandardCharsets.UTF_8);
        }
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> out = (OutputStreamAppender<ILoggingEvent>) a;
        return new String(out.getEncoder().encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void theCodeSetsUpWhatTheXmlFileSays() throws Exception {
        assertThat(shape(fromCode())).isEqualTo(shape(fromXml()));
        assertThat(shape(fromCode())).contains("caravan.access level=INFO effective=INFO additive=false "
                + "[ACCESS:BatchingConsoleAppender started=true queue=8192 batchMillis=20]");
    }

    @Test
    void theSameEventBecomesTheSameBytesWithSecretsScrubbed() throws Exception {
        String secret = "sk-upstream-logging-test-4f8a1c2e9b7d";
        Secrets.register(secret);
        LoggerContext code = fromCode();
        LoggerContext xml = fromXml();
        for (String name : List.of(Logger.ROOT_LOGGER_NAME, "caravan.access")) {
            Logger codeLogger = code.getLogger(name);
            Logger xmlLogger = xml.getLogger(name);
            LoggingEvent e = new LoggingEvent("x", codeLogger, Level.WARN, "calling with key {}",
                    new IllegalStateException("refused " + secret), new Object[] {secret});
            e.setTimeStamp(1_700_000_000_000L);
            e.setThreadName("caravan-io-1-1");
            String fromCode = encode(appenders(codeLogger).get(0), e);
            String fromXml = encode(appenders(xmlLogger).get(0), e);
            assertThat(fromCode).isEqualTo(fromXml).doesNotContain(secret).contains("[redacted]");
        }
    }

    @Test
    void theAccessLogLevelComesFromTheSameSettingAsInTheXml() throws Exception {
        System.setProperty(DefaultLogging.ACCESS_LEVEL, "OFF");
        assertThat(fromCode().getLogger("caravan.access").getLevel()).isEqualTo(Level.OFF);
        assertThat(fromXml().getLogger("caravan.access").getLevel()).isEqualTo(Level.OFF);
    }

    @Test
    void aConfigurationFileOfOnesOwnTakesOver() {
        System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, "/etc/caravan/logback.xml");
        LoggerContext ctx = new LoggerContext();
        contexts.add(ctx);
        DefaultLogging logging = new DefaultLogging();
        logging.setContext(ctx);
        assertThat(logging.configure(ctx)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(appenders(ctx.getLogger(Logger.ROOT_LOGGER_NAME))).isEmpty();
    }
}
