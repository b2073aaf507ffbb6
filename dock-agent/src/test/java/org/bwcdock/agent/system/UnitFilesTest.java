package org.bwcdock.agent.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class UnitFilesTest {
    static final Path UNIT = Path.of("../systemd/bwcdock-agent.service");

    @Test
    void unitVerifies(@TempDir Path dir) throws Exception {
        // verify insists that ExecStart exists on this machine; the package installs it, the build host lacks it.
        Path copy = Files.writeString(dir.resolve("bwcdock-agent.service"),
                Files.readString(UNIT).replace("ExecStart=/usr/bin/bwcdock-agent", "ExecStart=/bin/true"));
        Tools.Result r = Tools.run("systemd-analyze", "verify", "--man=no", copy.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().isBlank(), r.output());
    }

    @Test
    void unitExposureIsAtMostTwo() throws Exception {
        Tools.Result r = Tools.run("systemd-analyze", "security", "--offline=true", "--threshold=20", UNIT.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Overall exposure level for bwcdock-agent.service: 1."), r.output());
    }

    /** The watcher finds cameras from sysfs alone (SysfsCameraWatcherTest, without /dev/disk/by-id): the unit may hide devices. */
    @Test
    void unitHidesDevicesButNotSysfs() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nPrivateDevices=yes\n") && unit.contains("\nDevicePolicy=closed\n"), "devices hidden");
        assertFalse(unit.contains("InaccessiblePaths=/sys") || unit.contains("ProtectKernelTunables=no"), "sysfs must stay readable");
    }

    /**
     * Bay-port lockdown is udev's job (71-bwcdock-bay-lockdown.rules, UdevRuleTest): the agent must
     * not be able to write sysfs itself, and the lockdown must not become a reason to give it that.
     */
    @Test
    void unitKeepsSysfsReadOnlyAndTheAgentWithoutCapabilities() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nProtectKernelTunables=yes\n") && unit.contains("\nCapabilityBoundingSet=\n")
                && unit.contains("\nUser=bwcdock\n"), "the agent may read sysfs, never write it");
    }

    @Test
    void unitKeepsTheJvmWorkable() throws Exception {
        String unit = Files.readString(UNIT);
        assertFalse(unit.contains("\nMemoryDenyWriteExecute="), "the JVM needs W+X pages");
        assertTrue(unit.contains("Type=notify") && unit.contains("WatchdogSec=") && unit.contains("NotifyAccess=main"));
    }
}
