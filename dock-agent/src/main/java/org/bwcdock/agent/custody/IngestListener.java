package org.bwcdock.agent.custody;

/** Progress of one ingest, for the bay state. Called from the ingesting thread, a few times a second at most. */
public interface IngestListener {
    IngestListener NONE = (done, total) -> { };

    void progress(long bytesDone, long bytesTotal);

    /** The spool is full and the ingest waits for room. */
    default void waitingForSpool() {
    }

    /**
     * Part {@code part.index()} is durable in the spool (fsync'd, renamed, directory fsync'd). Told in
     * index order, from a custody thread, while later parts are still being read; if this throws, the
     * ingest fails. A part told here stays in the spool if the ingest is cancelled, for a resumed ingest.
     */
    default void partDurable(org.bwcdock.agent.ledger.PartRecord part) {
    }
}
