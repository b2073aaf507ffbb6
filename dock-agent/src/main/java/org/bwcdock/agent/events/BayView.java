package org.bwcdock.agent.events;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One bay as the dock shows it: the one shape that feeds {@code bays/{n}/state}, the bay lights and
 * badge pickups (through the hardware's dock view) and the sandbox's table. Immutable; the bay's
 * supervisor makes a new one on every change.
 *
 * @param cameraId the docked camera, null when the bay is empty
 * @param dockedAt when that camera was docked (the longest-docked eligible camera is handed out first), null when empty
 * @param reportedBatteryPercent the level the camera itself reports (its profile's device-info file)
 * @param batteryPercent the dock's best reading: the bay's gauge where one answers, else the camera's report;
 *                       filled in by the agent before the view is shown ({@link #withBattery})
 * @param lastEvent a short human line, e.g. "wiped: safe to take"
 */
public record BayView(int bay, BayPhase phase, String cameraId, String officerId, Instant dockedAt,
                      OptionalInt reportedBatteryPercent, OptionalInt batteryPercent, boolean charging,
                      long ingestDone, long ingestTotal, long uploadDone, long uploadTotal, String lastEvent) {

    public BayView {
        if (bay < 1) {
            throw new IllegalArgumentException("bay must be >= 1, not " + bay);
        }
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(reportedBatteryPercent, "reportedBatteryPercent");
        Objects.requireNonNull(batteryPercent, "batteryPercent");
        percent("reportedBatteryPercent", reportedBatteryPercent, bay, cameraId);
        percent("batteryPercent", batteryPercent, bay, cameraId);
        if ((cameraId == null) != (dockedAt == null)) {
            throw new IllegalArgumentException("bay " + bay + ": a docked camera has a docking time, an empty bay neither");
        }
        lastEvent = lastEvent == null ? "" : lastEvent;
    }

    private static void percent(String what, OptionalInt p, int bay, String cameraId) {
        if (p.isPresent() && (p.getAsInt() < 0 || p.getAsInt() > 100)) {
            throw new IllegalArgumentException("camera " + cameraId + " bay " + bay + ": " + what + " must be 0..100, not "
                    + p.getAsInt());
        }
    }

    public static BayView empty(int bay) {
        return new BayView(bay, BayPhase.EMPTY, null, null, null, OptionalInt.empty(), OptionalInt.empty(), false,
                0, 0, 0, 0, "");
    }

    /** A camera just docked: no progress yet, its own battery report as the best reading so far. */
    public static BayView docked(int bay, String cameraId, Instant at, OptionalInt reportedBatteryPercent) {
        return new BayView(bay, BayPhase.MOUNTING, Objects.requireNonNull(cameraId, "cameraId"), null,
                Objects.requireNonNull(at, "at"), reportedBatteryPercent, reportedBatteryPercent, false, 0, 0, 0, 0, "docked");
    }

    public boolean occupied() {
        return cameraId != null;
    }

    /** Whole percent of the ingest, -1 when none is under way. */
    public int ingestPercent() {
        return percent(ingestDone, ingestTotal);
    }

    /** Whole percent of the uploads, -1 when none is under way. */
    public int uploadPercent() {
        return percent(uploadDone, uploadTotal);
    }

    private static int percent(long done, long total) {
        return total <= 0 ? -1 : (int) Math.max(0, Math.min(100, done * 100 / total));
    }

    public BayView withPhase(BayPhase newPhase, String event) {
        return new BayView(bay, newPhase, cameraId, officerId, dockedAt, reportedBatteryPercent, batteryPercent, charging,
                ingestDone, ingestTotal, uploadDone, uploadTotal, event == null ? lastEvent : event);
    }

    public BayView withCamera(String id, String officer, Instant at, OptionalInt reported) {
        return new BayView(bay, phase, id, officer, at, reported, reported, false, 0, 0, 0, 0, lastEvent);
    }

    public BayView withIngest(long done, long total) {
        return new BayView(bay, phase, cameraId, officerId, dockedAt, reportedBatteryPercent, batteryPercent, charging,
                done, total, uploadDone, uploadTotal, lastEvent);
    }

    public BayView withUpload(long done, long total) {
        return new BayView(bay, phase, cameraId, officerId, dockedAt, reportedBatteryPercent, batteryPercent, charging,
                ingestDone, ingestTotal, done, total, lastEvent);
    }

    public BayView withBattery(OptionalInt percent, boolean isCharging) {
        return new BayView(bay, phase, cameraId, officerId, dockedAt, reportedBatteryPercent, percent, isCharging,
                ingestDone, ingestTotal, uploadDone, uploadTotal, lastEvent);
    }
}
