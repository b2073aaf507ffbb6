package org.bwcdock.agent.system;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import org.bwcdock.format.SafeText;

/**
 * {@code %safeEx}: a stack trace whose exception messages are escaped ({@link SafeText}), one
 * line per frame as usual. An exception message often quotes a camera's file name.
 */
public final class SafeThrowableConverter extends ThrowableHandlingConverter {
    private static final int MAX_DEPTH = 8;

    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy t = event.getThrowableProxy();
        if (t == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(512);
        String prefix = "";
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            out.append(prefix).append(t.getClassName());
            if (t.getMessage() != null) {
                out.append(": ").append(SafeText.escape(t.getMessage()));
            }
            out.append(CoreConstants.LINE_SEPARATOR);
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            int shown = frames.length - t.getCommonFrames();
            for (int i = 0; i < shown; i++) {
                out.append('\t').append(frames[i].getSTEAsString()).append(CoreConstants.LINE_SEPARATOR);
            }
            if (t.getCommonFrames() > 0) {
                out.append("\t... ").append(t.getCommonFrames()).append(" common frames omitted").append(CoreConstants.LINE_SEPARATOR);
            }
            prefix = "Caused by: ";
        }
        return out.toString();
    }
}
