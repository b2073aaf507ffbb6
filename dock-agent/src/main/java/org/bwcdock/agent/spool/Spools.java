package org.bwcdock.agent.spool;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the spool directory. */
public final class Spools {
    private Spools() {
    }

    /** Creates the directory (0700) if needed, deletes crash leftovers, counts what is there against the quota. */
    public static Spool open(Path directory, long quotaBytes) throws IOException {
        return DiskSpool.open(directory, quotaBytes);
    }
}
