package org.bwcdock.agent.ledger;

import java.util.OptionalLong;

/**
 * Result of re-computing the audit chain.
 *
 * @param rows how many rows were checked
 * @param firstBrokenRow sequence number of the first row whose hash or link does not match
 * @param problem what is wrong with that row, or null
 */
public record AuditVerification(long rows, OptionalLong firstBrokenRow, String problem) {
    public boolean ok() {
        return firstBrokenRow.isEmpty();
    }
}
