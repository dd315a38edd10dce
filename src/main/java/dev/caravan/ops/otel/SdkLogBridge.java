package dev.caravan.ops.otel;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK logs through {@code java.util.logging} (an export that failed, a full queue). This sends
 * those records to Caravan's logging instead of plain stderr, so they are formatted, routed and scrubbed of secrets
 * like every other line. Installed only when OpenTelemetry is on.
 */
final class SdkLogBridge extends Handler {

    /** Held strongly: java.util.logging keeps loggers weakly and would forget the handler. */
    private static final java.util.logging.Logger SDK = java.util.logging.Logger.getLogger("io.opentelemetry");

    private SdkLogBridge() {
    }

    static synchronized void install() {
        for (Handler h : SDK.getHandlers()) {
            if (h instanceof SdkLogBridge) {
                return;
            }
        }
        SDK.addHandler(new SdkLogBridge());
        SDK.setUseParentHandlers(false);
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || r.getLevel().intValue() < Level.INFO.intValue()) {
            return;
        }
        Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "io.opentelemetry" : r.getLoggerName());
        String msg = r.getMessage();
        if (r.getParameters() != null && msg != null) {
            msg = java.text.MessageFormat.format(msg, r.getParameters());
        }
        if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            log.error(msg, r.getThrown());
        } else if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            log.warn(msg, r.getThrown());
        } else {
            log.info(msg, r.getThrown());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
