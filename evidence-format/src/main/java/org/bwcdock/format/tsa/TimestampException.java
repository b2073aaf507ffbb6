package org.bwcdock.format.tsa;

/** No usable timestamp: the TSA could not be reached, refused, or answered with a token that does not check out. */
public final class TimestampException extends Exception {
    public TimestampException(String message) {
        super(message);
    }

    public TimestampException(String message, Throwable cause) {
        super(message, cause);
    }
}
