package dev.caravan.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import dev.caravan.support.Secrets;

/**
 * Logback {@code %scrubbedMsg}: the formatted message with every registered secret (provider keys, gateway keys,
 * the admin key) and key-shaped string masked, whoever logged it, Caravan or a library.
 */
public class ScrubbingMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.scrub(event.getFormattedMessage());
    }
}
