package org.bwcdock.agent.ledger;

import java.util.Optional;

/**
 * The cameras the dock has seen, bound to their USB identity, and their legal hold: a role of the {@link Ledger}.
 */
public interface Cameras {
    /** Inserts or updates the camera (last seen now). */
    void recordCamera(CameraRecord camera);

    Optional<CameraRecord> camera(String cameraId);

    /** Every camera this dock has recorded, with when it was last recorded docking (for the fleet view). */
    java.util.Map<String, java.time.Instant> camerasLastSeen();

    /** Legal hold: a held camera is never wiped. Audited. */
    void setLegalHold(String cameraId, boolean hold, String actor);
}
