package org.bwcdock.agent.custody;

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
    IngestResult ingest(IngestRequest request, IngestSource source, IngestListener listener)
            throws IngestException, InterruptedException;

    @Override
    void close();
}
