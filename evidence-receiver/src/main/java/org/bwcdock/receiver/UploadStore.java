package org.bwcdock.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * tus uploads: created for a dock, written at their offset, committed into evidence or expired.
 * On the local filesystem ({@link FileUploadStore}, the default) or in the S3 bucket
 * ({@link S3UploadStore}), where every receiver on the bucket serves every upload. A PATCH body is
 * staged first and kept only after its checksum passed; per-dock limits are enforced at {@link #create}.
 */
interface UploadStore {
    /** An upload: who created it, how long it will be, and when it expires. */
    record Upload(String id, String owner, long length, Instant expires) {
    }

    /** What a dock holds open: uploads created and not yet committed, deleted or expired. */
    record Usage(int uploads, long bytes) {
        static final Usage NONE = new Usage(0, 0);

        Usage plus(long length) {
            return new Usage(uploads + 1, bytes + length);
        }

        Usage minus(long length) {
            return new Usage(uploads - 1, bytes - length);
        }
    }

    /** A new upload would take its dock over one of its limits: the body of the 429 says which. */
    static final class OverLimit extends Exception {
        OverLimit(String message) {
            super(message);
        }
    }

    /** The bytes could not be kept where the PATCH asked (another request got there first, or the upload went): the body of the 409. */
    final class Conflict extends IOException {
        Conflict(String message) {
            super(message);
        }
    }

    /** A new upload for {@code owner}, unless it would take the dock over one of its limits. */
    Upload create(String owner, long length) throws IOException, OverLimit;

    /** The upload, if it exists and belongs to {@code owner}; another dock's upload does not exist for it. */
    Optional<Upload> find(String id, String owner) throws IOException;

    /** Every upload held. */
    List<Upload> all() throws IOException;

    /** The dock's open uploads and their declared bytes. */
    Usage usage(String owner);

    boolean expired(Upload u);

    /** Bytes durably kept so far. */
    long offset(Upload u) throws IOException;

    /** SHA-256 (hex) of the bytes kept so far. */
    String sha256(Upload u) throws IOException;

    /** The bytes kept so far, from the start (the evidence store copies them from here). */
    InputStream read(Upload u) throws IOException;

    /** Length, MD5 and SHA-256 of the bytes kept so far, as an object store wants them with the copy. */
    default ObjectDigests digests(Upload u) throws IOException {
        try (InputStream in = read(u)) {
            return ObjectDigests.of(in);
        }
    }

    /** The upload's own lock: held by a PATCH while it stages and keeps; a commit only tries it. */
    ReentrantLock lock(String id);

    /** Removes the upload; its bytes no longer count against its dock. */
    void delete(Upload u) throws IOException;

    /** Removes expired uploads nobody is writing; how many. */
    int sweep() throws IOException;

    /** A fresh staging area for a PATCH body (what was staged before is dropped). */
    WritableByteChannel stage(Upload u) throws IOException;

    boolean hasStaged(Upload u);

    void discardStaged(Upload u) throws IOException;

    /**
     * Appends the first {@code length} staged bytes at {@code offset}, durably, and drops the staging
     * area; {@link Conflict} if they cannot go there any more. {@code sha256} is those bytes' digest,
     * taken as they were staged: when they are the whole upload, the store remembers it, so the
     * commit need not read the upload again.
     */
    void keepStaged(Upload u, long offset, long length, byte[] sha256) throws IOException;
}
