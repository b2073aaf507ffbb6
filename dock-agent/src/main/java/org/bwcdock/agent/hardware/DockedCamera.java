package org.bwcdock.agent.hardware;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A camera sitting in a bay.
 *
 * @param dockedAt when it was docked: the longest-docked eligible camera is handed out first
 *                 (its battery had the longest charge)
 * @param reportedBatteryPercent the level the camera itself reports (its profile's device-info),
 *                               used when the bay has no gauge or the gauge does not answer
 */
public record DockedCamera(int bay, String cameraId, Instant dockedAt, OptionalInt reportedBatteryPercent) {
    public DockedCamera {
        if (bay < 1) {
            throw new IllegalArgumentException("bay must be >= 1, not " + bay);
        }
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(dockedAt, "dockedAt");
        Objects.requireNonNull(reportedBatteryPercent, "reportedBatteryPercent");
        if (reportedBatteryPercent.isPresent()
                && (reportedBatteryPercent.getAsInt() < 0 || reportedBatteryPercent.getAsInt() > 100)) {
            throw new IllegalArgumentException("camera " + cameraId + " bay " + bay
                    + ": reportedBatteryPercent must be 0..100, not " + reportedBatteryPercent.getAsInt());
        }
    }

    public DockedCamera(int bay, String cameraId, Instant dockedAt) {
        this(bay, cameraId, dockedAt, OptionalInt.empty());
    }
}
