package org.bwcdock.agent.ledger;

import org.bwcdock.agent.events.EventClass;

/** An event waiting for the broker's acknowledgement. {@code sequence} orders them; time does not. */
public record OutboxEvent(long sequence, String eventId, String type, EventClass eventClass,
                          String payloadJson, long createdAtMillis) {
}
