package org.bwcdock.agent.events;

/** How the outbox treats an event when it is full. Stored by name in the ledger: do not rename. */
public enum EventClass {
    /** About evidence or custody (file states, dock and wipe, assignment, legal hold): never dropped. */
    EVIDENCE,
    /** Telemetry (errors, waits, badge taps, gauges, refused input): the oldest may be dropped when the outbox is full. */
    OPERATIONAL
}
