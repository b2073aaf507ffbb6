package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.DockEvent;

import java.util.List;

/**
 * Events durable before they are published, and marked published on the broker's PUBACK: the role of the
 * {@link Ledger} that telemetry uses.
 */
public interface Outbox {
    /**
     * Appends an event; durable when this returns. Each event gets a sequence number (the
     * publish order) and a stable random {@code eventId}; its type, class and payload are the event's own.
     */
    OutboxEvent appendEvent(DockEvent event);

    /** Unpublished events in sequence order. */
    List<OutboxEvent> pendingEvents(int limit);

    /** The broker acknowledged the event: it leaves the outbox. */
    void markPublished(long sequence);

    long pendingEventCount();
}
