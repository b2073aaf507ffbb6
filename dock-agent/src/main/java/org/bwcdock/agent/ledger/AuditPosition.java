package org.bwcdock.agent.ledger;

/** Where the audit chain stands: its newest row's sequence number (0: empty) and hash. */
public record AuditPosition(long seq, String head) {
}
