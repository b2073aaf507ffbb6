package org.bwcdock.agent.volume;

import java.io.IOException;
import java.nio.file.Path;

/** Makes a camera's block device readable as a directory, read-only, and takes it away again. */
public interface Mounter {
    /** Mounts read-only (nosuid, nodev, noexec) and returns the mount point. */
    Path mountReadOnly(Path device, String cameraSerial) throws IOException;

    /** Makes the mounted volume writable, for deleting receipted files only. */
    Path remountWritable(Path device, String cameraSerial) throws IOException;

    void unmount(Path device) throws IOException;

    /** udisks2 (through udisksctl): the agent needs no root; a polkit rule grants the bwcdock user. */
    static Mounter udisks() {
        return new UdisksMounter(java.time.Duration.ofSeconds(30));
    }

    /** Simulation: the camera with serial S is the directory {@code base/S}. */
    static Mounter directories(Path base) {
        return new DirectoryMounter(base);
    }
}
