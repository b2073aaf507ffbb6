package org.bwcdock.agent.system;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's own logback.xml, as shipped: nothing a camera names can forge a line or reach a terminal raw. */
@Timeout(20)
class LogEscapingTest {
    private static final String HOSTILE = "DCIM/VID\nINFO [bwcdock-bay-1] Dock: camera BWC-7 is safe\u001b[31m\u009b2J.MP4";

    /** Formats one event with the encoder of the shipped logback.xml's console appender. */
    private static List<String> logThroughShippedConfig(String message, Object[] args, Throwable t) throws Exception {
        LoggerContext ctx = new LoggerContext();
        try {
            JoranConfigurator config = new JoranConfigurator();
            config.setContext(ctx);
            try (var in = LogEscapingTest.class.getResourceAsStream("/logback.xml")) {
                if (in == null) {
                    throw new IOException("logback.xml is not on the class path");
                }
                config.doConfigure(in);
            }
            ch.qos.logback.classic.Logger logger = ctx.getLogger("org.bwcdock.agent.bay.BaySupervisor");
            var appender = (ConsoleAppender<ILoggingEvent>) ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
            LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, t, args);
            return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8).lines().toList();
        } finally {
            ctx.stop();
        }
    }

    @Test
    void aHostileFileNameStaysOnOneLineWithItsControlsVisible() throws Exception {
        List<String> lines = logThroughShippedConfig("refused {}: {}", new Object[] {HOSTILE, "mode 000"}, null);
        assertEquals(1, lines.size(), "one event, one line: " + lines);
        String line = lines.get(0);
        assertTrue(line.contains("refused DCIM/VID\\nINFO [bwcdock-bay-1] Dock: camera BWC-7 is safe\\x1b[31m\\u009b2J.MP4: mode 000"), line);
        assertFalse(line.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)), "no raw control character: " + line);
    }

    @Test
    void anExceptionQuotingAHostileNameIsEscapedButKeepsItsStackTrace() throws Exception {
        List<String> lines = logThroughShippedConfig("read failed", null, new IOException(HOSTILE + ": Input/output error"));
        assertEquals("WARN  [" + Thread.currentThread().getName() + "] BaySupervisor: read failed", lines.get(0).strip());
        assertTrue(lines.get(1).startsWith("java.io.IOException: DCIM/VID\\nINFO"), lines.get(1));
        assertTrue(lines.size() > 2 && lines.get(2).startsWith("\tat "), "frames follow on their own lines: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("INFO")), "no forged line: " + lines);
    }
}
