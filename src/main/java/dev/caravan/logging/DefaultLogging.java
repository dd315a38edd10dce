package dev.caravan.logging;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Caravan's default logging, set up in code: the same configuration as {@code config/logback.xml} (checked by
 * {@code DefaultLoggingTest}), without logback's XML configurator, which loads ~400 classes of its own and the
 * JDK's XML parser on the start-up path. Plain text lines on stdout with every message and stack trace scrubbed of
 * secrets ({@code %scrubbedMsg}, {@code %scrubbedEx}); the JSON access lines of logger {@code caravan.access}
 * written in batches by their own thread ({@link BatchingConsoleAppender}, never blocks the request), at the level
 * {@code CARAVAN_ACCESS_LOG_LEVEL} (system property or environment; default INFO, OFF turns it off).
 *
 * <p>A configuration of one's own still wins: with {@code -Dlogback.configurationFile=...}, or a
 * {@code logback-test.xml} / {@code logback.xml} on the class path, this configurator steps aside and logback
 * reads the file as usual. Found by logback through {@code META-INF/services}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public class DefaultLogging extends ContextAwareBase implements Configurator {

    static final String LINE = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %scrubbedMsg%n%scrubbedEx";
    static final String ACCESS_LINE = "%scrubbedMsg%n%scrubbedEx";
    static final String ACCESS_LEVEL = "CARAVAN_ACCESS_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (userConfiguration()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        registerConverters(ctx);
        Appender<ILoggingEvent> stdout = console(ctx, "STDOUT", LINE);

        BatchingConsoleAppender access = new BatchingConsoleAppender();
        access.setContext(ctx);
        access.setName("ACCESS");
        access.setEncoder(encoder(ctx, ACCESS_LINE));
        access.start();

        Logger accessLogger = ctx.getLogger("caravan.access");
        accessLogger.setLevel(Level.toLevel(accessLevel(), Level.INFO));
        accessLogger.setAdditive(false);
        accessLogger.addAppender(access);

        ctx.getLogger("org.apache.camel").setLevel(Level.INFO);
        ctx.getLogger("io.netty").setLevel(Level.WARN);
        // the console's servlet container and Hawtio itself: start/stop lines only
        ctx.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        ctx.getLogger("io.hawt").setLevel(Level.WARN);
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Registers the conversion words {@code scrubbedMsg} and {@code scrubbedEx} for every pattern layout of the
     * context, as {@code <conversionRule>} does in XML.
     */
    @SuppressWarnings("unchecked")
    static void registerConverters(LoggerContext ctx) {
        Map<String, Supplier<DynamicConverter>> rules = (Map<String, Supplier<DynamicConverter>>) ctx.getObject(
                CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put("scrubbedMsg", ScrubbingMessageConverter::new);
        rules.put("scrubbedEx", ScrubbingThrowableConverter::new);
    }

    private static Appender<ILoggingEvent> console(LoggerContext ctx, String name, String pattern) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName(name);
        console.setEncoder(encoder(ctx, pattern));
        console.start();
        return console;
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    private static String accessLevel() {
        String v = System.getProperty(ACCESS_LEVEL);
        if (v == null || v.isBlank()) {
            v = System.getenv(ACCESS_LEVEL);
        }
        return v == null || v.isBlank() ? "INFO" : v.trim();
    }

    private boolean userConfiguration() {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null) {
            return true;
        }
        ClassLoader cl = DefaultLogging.class.getClassLoader();
        return cl.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
                || cl.getResource(ContextInitializer.AUTOCONFIG_FILE) != null;
    }
}
