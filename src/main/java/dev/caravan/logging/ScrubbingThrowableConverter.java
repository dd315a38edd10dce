package dev.caravan.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

import dev.caravan.support.Secrets;

/** Logback {@code %scrubbedEx}: stack traces with secrets masked in every exception message. */
public class ScrubbingThrowableConverter extends ExtendedThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return Secrets.scrub(super.throwableProxyToString(tp));
    }
}
