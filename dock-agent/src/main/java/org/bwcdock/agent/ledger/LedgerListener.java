package org.bwcdock.agent.ledger;

/** Hears of committed changes the other parts wait for (see {@link Ledger#addListener}). Must not block. */
public interface LedgerListener {
    /** One or more events were appended to the outbox. */
    default void eventsAppended() {
    }

    /** A file became INGESTED: there is something to upload. */
    default void ingested() {
    }

    /** A part of a file still being ingested became durable: it can be uploaded already. */
    default void partSpooled() {
    }
}
