package org.bwcdock.format;

/** A contract document (manifest, commit request, receipt) that does not have the documented shape; the message names the field. */
public final class FormatException extends Exception {
    public FormatException(String message) {
        super(message);
    }
}
