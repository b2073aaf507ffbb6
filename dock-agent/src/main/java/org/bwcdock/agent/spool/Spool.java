package org.bwcdock.agent.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where encrypted parts and manifests wait until the evidence server has receipted them. Holds
 * ciphertext only. A file becomes visible under its final name only once its bytes and its
 * directory entry are on disk; a crash leaves at most a {@code *.tmp}, which {@link Spools#open}
 * deletes.
 */
public interface Spool extends AutoCloseable {

    /** The file name of part {@code index} of evidence file {@code fileId} (docs/manifest.md). */
    static String partName(long fileId, int index) {
        return "f" + fileId + "-p" + index + ".cms";
    }

    static String manifestName(long fileId) {
        return "f" + fileId + ".manifest.json";
    }

    static String signatureName(long fileId) {
        return "f" + fileId + ".manifest.p7s";
    }

    Path directory();

    /** Absolute path of a spool file by name. */
    Path resolve(String name);

    /**
     * Reserves room for {@code bytes}, waiting while the spool is over quota (back-pressure: ingest
     * slows down, nothing is dropped). Returns false if {@code maxWait} passed first.
     *
     * @throws InterruptedException when the ingest is cancelled while waiting
     */
    boolean reserve(long bytes, Duration maxWait) throws InterruptedException;

    /**
     * Admits a whole file: reserves all the room it will take before its first part is written,
     * telling {@code waiting} once if it has to wait. Room is taken a whole file at a time so that
     * an ingest, once started, never waits half-way: with room taken a part at a time, several bays
     * each holding some parts of a big file could fill the spool between them, none able to finish,
     * and nothing would ever leave the spool (only receipted files do).
     *
     * <p>While another camera holds room or waits for it, no camera is admitted beyond its share of
     * the quota: one camera with thousands of files cannot hold every other bay up. The room counts against
     * {@code camera} until {@link #deleteAll} of {@code fileId}.
     *
     * @return false if {@code maxWait} passed without room
     */
    boolean admit(String camera, long fileId, long bytes, Duration maxWait, Runnable waiting) throws InterruptedException;

    /** Gives back room that was reserved but not used. */
    void release(long bytes);

    /** Starts writing {@code name}; nothing is visible under that name until {@link Pending#commit()}. */
    Pending create(String name) throws IOException;

    /** Deletes every spool file of evidence file {@code fileId} (after its receipt, or an aborted ingest). */
    void deleteAll(long fileId) throws IOException;

    /**
     * Like {@link #deleteAll}, but keeps the spool files named in {@code keep}: the durable parts an
     * interrupted ingest left, which a resumed ingest reuses.
     */
    void deleteAllExcept(long fileId, java.util.Set<String> keep) throws IOException;

    /** The evidence files that have anything in the spool (parts, manifest, signature; not temp files), by id. */
    java.util.SortedSet<Long> fileIds() throws IOException;

    long usedBytes();

    long quotaBytes();

    /** True while some ingest waits for room. */
    boolean full();

    @Override
    void close();

    /** A spool file being written. */
    interface Pending extends AutoCloseable {
        OutputStream stream();

        /** fsync the file, rename it to its final name, fsync the directory. Returns the bytes written. */
        long commit() throws IOException;

        /** Deletes the temp file unless committed. */
        @Override
        void close() throws IOException;
    }
}
