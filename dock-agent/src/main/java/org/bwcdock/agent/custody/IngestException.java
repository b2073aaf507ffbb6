package org.bwcdock.agent.custody;

/**
 * The file was not ingested; nothing of it is left in the spool. {@link #retryable()} says whether
 * a later attempt may succeed (a changed or removed file) or the file is bad (quarantine it).
 */
public class IngestException extends Exception {
    private final boolean retryable;

    public IngestException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
