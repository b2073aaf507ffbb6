package org.bwcdock.agent.custody;

/** Progress of one ingest, for the bay state. Called from the ingesting thread, a few times a second at most. */
public interface IngestListener {
    IngestListener NONE = (done, total) -> { };

    void progress(long bytesDone, long bytesTotal);

    /** The spool is full and the ingest waits for room. */
    default void waitingForSpool() {
    }
}
