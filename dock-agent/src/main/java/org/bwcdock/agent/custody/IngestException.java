package org.bwcdock.agent.custody;

/**
 * The file was not ingested; nothing of it is left in the spool. {@link #retryable()} says whether
 * a later attempt may succeed (a changed or removed file, an I/O error) or the file is bad
 * (quarantine it); {@link #refused()} that the camera will not let it be read (permission denied, a
 * name it cannot give back) — left on the camera, reported, and no reason to hold back the rest.
 */
public class IngestException extends Exception {
    private final boolean retryable;
    private final boolean refused;

    public IngestException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    private IngestException(String message, boolean retryable, boolean refused, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.refused = refused;
    }

    /** The camera refuses to give the file (the message says why): it will not go away by itself. */
    public static IngestException refused(String message, Throwable cause) {
        return new IngestException(message, false, true, cause);
    }

    public boolean retryable() {
        return retryable;
    }

    public boolean refused() {
        return refused;
    }
}
