package org.bwcdock.agent.hardware;

import java.util.Optional;

/**
 * Badge self-assignment. An officer taps a badge; the dock picks the best eligible camera (battery at
 * or above the configured minimum, every file receipted, no legal hold, docked longest first) and
 * blinks its bay; when that camera leaves its bay the assignment is recorded in the ledger (source
 * {@code "badge"}), which also queues the {@code assigned} event.
 *
 * <p>With a reader attached, one owned thread polls it; {@link #tapped(String)} is what that thread
 * calls, and what a simulated dock may call directly.
 */
public interface BadgeReader extends AutoCloseable {

    /** A badge with this UID (hex, any case) was presented. */
    TapResult tapped(String badgeUidHex);

    /**
     * The supervisor calls this when a camera leaves a bay (after {@link DockView} stopped listing it).
     * If it was the camera picked for a badge, the assignment is recorded and the pickup cleared.
     */
    void undocked(int bay, String cameraId);

    /** The pickup waiting in this bay, if any (shown in bay state). */
    Optional<PendingPickup> pendingPickup(int bay);

    @Override
    void close();
}
