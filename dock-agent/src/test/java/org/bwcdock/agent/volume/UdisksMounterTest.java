package org.bwcdock.agent.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** udisks2 is not running here: what we send it and how we read its answer. */
@Timeout(5)
class UdisksMounterTest {
    @Test
    void mountsReadOnlyWithoutSuidDevicesOrExec() {
        assertEquals(List.of("udisksctl", "mount", "--no-user-interaction", "-b", "/dev/sdb1", "-o", "ro,nosuid,nodev,noexec"),
                UdisksMounter.mountCommand(Path.of("/dev/sdb1"), UdisksMounter.READ_ONLY));
    }

    @Test
    void readsTheMountPointFromEitherUdisksctlWording() {
        assertEquals(Optional.of(Path.of("/media/bwcdock/3A1F-22C9")),
                UdisksMounter.mountPoint("Mounted /dev/sdb1 at /media/bwcdock/3A1F-22C9\n"));
        assertEquals(Optional.of(Path.of("/media/bwcdock/CAM")), UdisksMounter.mountPoint("Mounted /dev/sdb1 at /media/bwcdock/CAM.\n"));
        assertEquals(Optional.empty(), UdisksMounter.mountPoint("Error mounting /dev/sdb1: GDBus.Error: not authorized"));
    }
}
