package org.bwcdock.agent.ledger;

/** A caller asked for a state change the state machine does not allow, or from a state the file is not in. */
public final class IllegalTransitionException extends LedgerException {
    public IllegalTransitionException(String message) {
        super(message);
    }
}
