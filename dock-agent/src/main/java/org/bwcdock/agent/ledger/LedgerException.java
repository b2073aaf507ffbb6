package org.bwcdock.agent.ledger;

/** The ledger could not do what was asked; the message names the file, camera or row concerned. */
public class LedgerException extends RuntimeException {
    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
