package org.bwcdock.agent.usb;

import org.bwcdock.testing.Jvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** End to end with umockdev: a recorded USB mass-storage camera, the watcher reading the "real" /sys and /dev. */
@Timeout(60)
class UmockdevTest {

    @Test
    void watcherSeesTheRecordedCameraDocked() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/umockdev-run"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("umockdev-run is missing: .ci/run must install the Debian package umockdev");
            }
            Assumptions.abort("umockdev-run not installed (apt-get install umockdev)");
        }
        Path recording = Path.of(getClass().getResource("/umockdev/camera-1-1.2.umockdev").toURI());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/umockdev-run", "-d", recording.toString(), "--"));
        cmd.addAll(Jvm.fork(List.of(), UmockdevWatcherMain.class).command());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("docked bay 3 serial CAM0001 sdb1 port 1-1.2"), out);
        } finally {
            Jvm.kill(p);
        }
    }

    /** A keyboard on a bay port, in umockdev's /sys (its bus/usb/devices links, its interface directory): locked out. */
    @Test
    void watcherDeauthorisesARecordedKeyboardOnABayPort() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/umockdev-run"))) {
            fail("umockdev-run is missing: .ci/run must install the Debian package umockdev");
        }
        Path recording = Path.of(getClass().getResource("/umockdev/keyboard-1-1.2.umockdev").toURI());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/umockdev-run", "-d", recording.toString(), "--"));
        cmd.addAll(Jvm.fork(List.of(), UmockdevWatcherMain.class, "lockdown").command());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("locked bay 3 port 1-1.2 046d:c31c classes [03] deauthorized true"), out);
            assertTrue(out.contains("authorized=0"), out);
            assertTrue(!out.contains("docked bay"), out);
        } finally {
            Jvm.kill(p);
        }
    }
}
