package org.bwcdock.agent.custody;

import org.bwcdock.agent.ledger.PartRecord;

import java.util.List;

/**
 * Reads a camera file once: SHA-256 of the whole and of each part, each part encrypted as CMS
 * AuthEnvelopedData (AES-256-GCM) for every recipient and made durable in the spool, and a
 * manifest signed by the dock. Plaintext never reaches the disk.
 */
public interface Ingestor extends AutoCloseable {

    /**
     * @throws IngestException the file was not ingested (changed, unreadable, spool wait too long); its parts are gone
     * @throws InterruptedException cancelled (undock, shutdown); its parts are gone
     */
    default IngestResult ingest(IngestRequest request, IngestSource source, IngestListener listener)
            throws IngestException, InterruptedException {
        return ingest(request, List.of(), source, listener);
    }

    /**
     * Ingests the file, reusing {@code kept}: parts 0..k-1 that an interrupted ingest of the same file
     * left durable in the spool. Their plaintext is read again for the whole-file SHA-256 (the hash
     * state cannot be saved) and must match each part's recorded SHA-256, but they are not encrypted,
     * written or uploaded again. Each new part is told to {@link IngestListener#partDurable} when durable.
     *
     * @param kept a prefix of the file's parts, index 0 first, each present in the spool
     * @throws IngestException the file was not ingested; none of its parts is left
     * @throws InterruptedException cancelled (undock, shutdown); the parts told durable stay, nothing else
     */
    IngestResult ingest(IngestRequest request, List<PartRecord> kept, IngestSource source, IngestListener listener)
            throws IngestException, InterruptedException;

    /**
     * The longest prefix of {@code recorded} (a file's parts from the ledger, by index) whose spool
     * files are there with their recorded length: what a resumed ingest may keep.
     */
    List<PartRecord> keepable(List<PartRecord> recorded);

    /** Removes every spool file of {@code fileId} (parts an interrupted ingest left that will not be resumed). */
    void discard(long fileId) throws java.io.IOException;

    @Override
    void close();
}
