package org.bwcdock.agent.ledger;

/** How the outbox treats an event when it is full. */
public enum EventClass {
    /** About evidence or custody (ingest, upload, receipt, wipe, assignment): never dropped. */
    EVIDENCE,
    /** Operational noise (rescan, health hints): the oldest may be dropped when the outbox is full. */
    OPERATIONAL
}
