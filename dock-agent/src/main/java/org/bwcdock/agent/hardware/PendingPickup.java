package org.bwcdock.agent.hardware;

import java.time.Instant;
import java.util.Objects;

/** A camera picked by a badge tap, waiting to be taken out of its bay until {@code expires}. */
public record PendingPickup(int bay, String cameraId, String officerId, Instant expires) {
    public PendingPickup {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(officerId, "officerId");
        Objects.requireNonNull(expires, "expires");
    }
}
