package org.bwcdock.agent.upload;

/** A delivery that did not complete; {@link #retryable()}: the same delivery may succeed later. */
public final class UploadException extends Exception {
    private final boolean retryable;
    private final boolean uploadsLost;
    private final java.time.Duration retryAfter;

    public UploadException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, false, cause);
    }

    /** @param uploadsLost the server no longer holds the parts (or holds them wrong): upload them anew next time */
    public UploadException(String message, boolean retryable, boolean uploadsLost, Throwable cause) {
        this(message, retryable, uploadsLost, java.time.Duration.ZERO, cause);
    }

    /** @param retryAfter how long the server asked the dock to wait before it tries again (zero: it did not say) */
    public UploadException(String message, boolean retryable, boolean uploadsLost, java.time.Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.uploadsLost = uploadsLost;
        this.retryAfter = java.util.Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** What the server asked the dock to wait (HTTP {@code Retry-After}), or zero. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    public boolean uploadsLost() {
        return uploadsLost;
    }
}
