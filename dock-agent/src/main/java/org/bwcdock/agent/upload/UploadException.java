package org.bwcdock.agent.upload;

/** A delivery that did not complete; {@link #retryable()}: the same delivery may succeed later. */
public final class UploadException extends Exception {
    private final boolean retryable;
    private final boolean uploadsLost;

    public UploadException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    /** @param uploadsLost the server no longer holds the parts (or holds them wrong): upload them anew next time */
    public UploadException(String message, boolean retryable, boolean uploadsLost, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.uploadsLost = uploadsLost;
    }

    public boolean retryable() {
        return retryable;
    }

    public boolean uploadsLost() {
        return uploadsLost;
    }
}
