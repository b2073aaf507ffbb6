package org.bwcdock.agent.system;

import org.bwcdock.format.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dock's clock state in every manifest is the kernel's: what we read through adjtimex(2) agrees
 * with Debian's {@code adjtimex --print}, a reader that is not ours (same syscall, its own struct).
 */
@Timeout(30)
class ClockSyncTest {
    private static final Path TOOL = Path.of("/usr/sbin/adjtimex");

    private static Map<String, Long> tool() throws Exception {
        assertTrue(Files.isExecutable(TOOL), TOOL + " is missing: tools/test-peers installs Debian's adjtimex");
        Process p = new ProcessBuilder(TOOL.toString(), "--print").redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "adjtimex --print: " + out);
            Map<String, Long> v = new HashMap<>();
            for (String line : out.lines().toList()) {
                String[] kv = line.split("[:=]", 2);
                String key = kv[0].trim();
                if (kv.length == 2 && kv[1].trim().matches("-?[0-9]+")) {
                    v.put(key, Long.parseLong(kv[1].trim()));
                }
            }
            return v;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void agreesWithDebiansAdjtimex() throws Exception {
        ClockSync kernel = ClockSync.kernel();
        Manifest.DockClock before = kernel.read();
        Map<String, Long> t = tool();
        Manifest.DockClock after = kernel.read();
        assertEquals("adjtimex", before.source());
        long status = t.get("status");
        long state = t.get("return value");
        boolean synced = state != 5 && (status & 0x40) == 0;
        assertEquals(synced, before.synchronised(), "adjtimex --print says " + t);
        assertEquals(synced, after.synchronised());
        // maxerror grows by 500 µs a second while synchronised (capped at 16 s when not): ours, the tool's, ours.
        long toolMax = t.get("maxerror");
        assertTrue(before.maxErrorMicros() - 1_000 <= toolMax && toolMax <= after.maxErrorMicros() + 1_000,
                "maxerror " + before.maxErrorMicros() + " <= " + toolMax + " <= " + after.maxErrorMicros());
        assertEquals((double) t.get("esterror"), (double) after.estErrorMicros(), 1_000, "esterror");
    }
}
