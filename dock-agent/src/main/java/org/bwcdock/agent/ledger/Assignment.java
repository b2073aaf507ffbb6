package org.bwcdock.agent.ledger;

/** Camera → officer, from {@code source} ("mqtt", "badge", …). */
public record Assignment(String cameraId, String officerId, String source, long sinceMillis) {
}
