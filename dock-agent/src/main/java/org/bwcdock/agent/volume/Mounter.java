package org.bwcdock.agent.volume;

import java.io.IOException;
import java.nio.file.Path;

/** Makes a camera's block device readable as a directory, read-only, and takes it away again. */
public interface Mounter {
    /** Mounts read-only (nosuid, nodev, noexec) and returns the mount point. */
    Path mountReadOnly(Path device, String cameraSerial) throws IOException;

    /**
     * Makes the volume writable, for deleting receipted files only, and returns the mount point,
     * which may differ from the read-only one (udisks2 unmounts and mounts again).
     */
    Path remountWritable(Path device, String cameraSerial) throws IOException;

    /** Unmounts; a device that is not mounted (any more) or gone is not an error. */
    void unmount(Path device) throws IOException;

    /**
     * Whether a file keeps its inode number from one lookup or mount to the next. FAT and exFAT do
     * not: there a file is known again by path, size, modification time and content hash only.
     */
    default boolean stableInodes() {
        return true;
    }

    /** udisks2 over D-Bus: the agent needs no root; a polkit rule grants the bwcdock user. */
    static Mounter udisks() {
        return new UdisksMounter(java.time.Duration.ofSeconds(30));
    }

    /** Simulation: the camera with serial S is the directory {@code base/S}. */
    static Mounter directories(Path base) {
        return new DirectoryMounter(base);
    }
}
