package org.bwcdock.agent.volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A mounted camera filesystem, read through the rules of {@link VolumeLimits}. */
public interface CameraVolume extends AutoCloseable {
    Path root();

    /** The footage, listed safely and checked for stability (this waits the stable interval). */
    Listing listStableFootage() throws InterruptedException;

    /** Opens a listed file for one sequential read with a read deadline; refuses anything that is not that file. */
    InputStream open(FootageFile file) throws IOException;

    /** After a read: is the file still the one listed (size, mtime, and inode where inodes are stable)? */
    boolean unchanged(FootageFile file);

    /**
     * The camera's small key=value info file (id, battery, officer), parsed defensively: at most
     * 4 KiB, values of letters, digits, '.', '_' and '-' only. Empty if absent or invalid.
     */
    Map<String, String> deviceInfo(String relativePath);

    /**
     * Deletes exactly these files, each only if every byte, re-read now, hashes as at the ingest (the
     * pieces of the fingerprint, or the whole file). Returns what was not deleted, with the reason.
     */
    List<Skipped> wipe(Map<FootageFile, Fingerprint> expected) throws IOException;

    /** Unmounts. */
    @Override
    void close();
}
