package org.bwcdock.format;

/** A receipt that must not count: bad signature, untrusted signer, or hashes that differ from the ingest. */
public final class BadReceiptException extends Exception {
    public BadReceiptException(String message) {
        super(message);
    }
}
