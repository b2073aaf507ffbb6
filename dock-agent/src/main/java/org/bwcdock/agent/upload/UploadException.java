package org.bwcdock.agent.upload;

/** A delivery that did not complete; {@link #retryable()}: the same delivery may succeed later. */
public final class UploadException extends Exception {
    private final boolean retryable;

    public UploadException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
