package org.bwcdock.agent.volume;

import java.io.IOException;
import java.io.InputStream;
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

    /** The stream a camera file is read through: a simulated camera may pace it; a real one is read as it comes. */
    default InputStream reading(InputStream file) {
        return file;
    }

    /** udisks2 over D-Bus: the agent needs no root; a polkit rule grants the bwcdock user. */
    static Mounter udisks() {
        return new UdisksMounter(java.time.Duration.ofSeconds(30));
    }

    /** Simulation: the camera with serial S is the directory {@code base/S}, read as fast as the disk allows. */
    static Mounter directories(Path base) {
        return new DirectoryMounter(base, 0);
    }

    /** Simulation: the camera with serial S is the directory {@code base/S}, read at {@code bytesPerSecond} (0: unpaced). */
    static Mounter directories(Path base, long bytesPerSecond) {
        return new DirectoryMounter(base, bytesPerSecond);
    }
}
