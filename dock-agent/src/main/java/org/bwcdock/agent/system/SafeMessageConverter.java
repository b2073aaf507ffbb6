package org.bwcdock.agent.system;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.bwcdock.format.SafeText;

/**
 * {@code %safeMsg}: the log message with every control character escaped ({@link SafeText}).
 * File names, camera ids and command fields come from cameras and the network; escaping the
 * whole message at the one place every line passes means no call site can forget it, and no
 * camera can forge a journal line or send escape sequences to an operator's terminal.
 */
public final class SafeMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return SafeText.escape(super.convert(event));
    }
}
