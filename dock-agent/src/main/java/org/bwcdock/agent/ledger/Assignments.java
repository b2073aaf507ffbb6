package org.bwcdock.agent.ledger;

import java.util.Optional;

/**
 * Which officer each camera is assigned to: a role of the {@link Ledger}.
 */
public interface Assignments {
    /** Ends any current assignment of the camera and starts this one. Audited, and an outbox event. */
    void assign(String cameraId, String officerId, String source);

    /** Ends the current assignment, if any. Audited, and an outbox event. */
    void unassign(String cameraId, String source);

    Optional<Assignment> currentAssignment(String cameraId);
}
