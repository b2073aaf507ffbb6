package org.bwcdock.agent.spool;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the spool directory. */
public final class Spools {
    private Spools() {
    }

    /** A spool with no per-camera share (one camera, or a tool): see {@link #open(Path, long, long)}. */
    public static Spool open(Path directory, long quotaBytes) throws IOException {
        return open(directory, quotaBytes, quotaBytes);
    }

    /**
     * Creates the directory (0700) if needed, deletes crash leftovers, counts what is there against the quota.
     *
     * @param cameraShareBytes what one camera may hold while another waits for room
     */
    public static Spool open(Path directory, long quotaBytes, long cameraShareBytes) throws IOException {
        return DiskSpool.open(directory, quotaBytes, cameraShareBytes);
    }
}
