package org.bwcdock.agent.hardware;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything a bay light depends on, computed from the ledger, the {@link DockView}, the gauges
 * and the hardware's own short-lived flags. Also what the supervisor needs for {@code bays/{n}/state}.
 *
 * @param cameraId the docked camera, empty for an empty bay
 * @param filesInProgress the camera's files not yet receipted and not failed (ingest/upload to do)
 * @param filesInError the camera's files in FAILED or QUARANTINED
 * @param filesRefused the camera's files it will not let be read (REFUSED): left on it, reported
 * @param assignedOfficer the camera's current assignment in the ledger
 * @param legalHold the camera is under legal hold
 * @param pendingPickupOfficer a badge tap picked this camera for this officer; recorded on undock
 * @param locate a locate command is blinking the bay
 * @param tapRefused a badge tap found no eligible camera (or an unknown badge): the refusal pattern shows
 * @param portLocked the bay's USB port holds a device that is not a camera's mass storage (bay-port lockdown)
 */
public record BaySituation(int bay, Optional<String> cameraId, int filesInProgress, int filesInError,
                           int filesRefused, BatteryReading battery, Optional<String> assignedOfficer, boolean legalHold,
                           Optional<String> pendingPickupOfficer, boolean locate, boolean tapRefused,
                           boolean portLocked) {

    public BaySituation {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(battery, "battery");
        Objects.requireNonNull(assignedOfficer, "assignedOfficer");
        Objects.requireNonNull(pendingPickupOfficer, "pendingPickupOfficer");
        if (filesInProgress < 0 || filesInError < 0 || filesRefused < 0) {
            throw new IllegalArgumentException("bay " + bay + ": file counts must be >= 0");
        }
        if (battery.bay() != bay) {
            throw new IllegalArgumentException("bay " + bay + ": battery reading is for bay " + battery.bay());
        }
    }

    public boolean docked() {
        return cameraId.isPresent();
    }

    /**
     * Every file the dock found on the camera has a verified receipt (vacuously true with none). A
     * refused file is footage the dock could not secure: such a camera is not handed out.
     */
    public boolean evidenceSecured() {
        return docked() && filesInProgress == 0 && filesInError == 0 && filesRefused == 0;
    }
}
