package org.bwcdock.agent.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every event the dock publishes on {@code events/{type}}: one record each, knowing its type and its
 * {@link EventClass}. The record's components are the payload's fields, in order ({@link EventJson});
 * the publisher adds {@code eventId}, {@code sequence}, {@code type} and {@code dockId}.
 *
 * <p>To add an event: a record here under {@link Evidence} or {@link Operational}, and its payload in
 * docs/mqtt-api.yaml (the API test names what is missing on either side).
 */
public sealed interface DockEvent {

    /** The {@code events/{type}} topic segment. */
    String type();

    EventClass eventClass();

    /** About custody: never dropped from the outbox. */
    sealed interface Evidence extends DockEvent {
        @Override
        default EventClass eventClass() {
            return EventClass.EVIDENCE;
        }
    }

    /** Telemetry: the oldest may be dropped when the outbox is full (the drop is audited). */
    sealed interface Operational extends DockEvent {
        @Override
        default EventClass eventClass() {
            return EventClass.OPERATIONAL;
        }
    }

    // ---- evidence ----------------------------------------------------------------------------

    /** A file's ledger state changed; {@code from} is null for a new file, states by their ledger names. */
    record EvidenceState(long fileId, String cameraId, String path, String from, String to, String reason, Instant at)
            implements Evidence {
        public EvidenceState {
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String type() {
            return "evidence-state";
        }
    }

    record LegalHold(String cameraId, boolean hold, String by, Instant at) implements Evidence {
        @Override
        public String type() {
            return "legal-hold";
        }
    }

    record Assigned(String cameraId, String officerId, String source, Instant at) implements Evidence {
        @Override
        public String type() {
            return "assigned";
        }
    }

    record Unassigned(String cameraId, String officerId, String source, Instant at) implements Evidence {
        @Override
        public String type() {
            return "unassigned";
        }
    }

    /**
     * The camera's clock is further from the dock's than its profile allows (the manifests of this
     * docking say so too); {@code offsetMillis} is camera minus dock, a lower bound where {@code lowerBound}.
     */
    record CameraClockSkewed(int bay, String cameraId, String source, long offsetMillis, boolean lowerBound, long limitMillis)
            implements Evidence {
        @Override
        public String type() {
            return "camera-clock-skewed";
        }
    }

    record Docked(int bay, String cameraId, String usbSerial, String model, String profile) implements Evidence {
        @Override
        public String type() {
            return "docked";
        }
    }

    record Undocked(int bay, String cameraId, String usbSerial) implements Evidence {
        @Override
        public String type() {
            return "undocked";
        }
    }

    /** A file on the camera the dock did not take (not regular, too big, unstable, ...): it stays on the camera. */
    record FileSkipped(int bay, String cameraId, String path, String reason) implements Evidence {
        @Override
        public String type() {
            return "file-skipped";
        }
    }

    /** The camera will not let a footage file be read (reason says why): REFUSED, left on the camera, no bar to the wipe. */
    record FileRefused(int bay, String cameraId, String path, String reason) implements Evidence {
        @Override
        public String type() {
            return "file-refused";
        }
    }

    /** @param files the camera paths deleted after their receipts */
    record Wiped(int bay, String cameraId, List<String> files) implements Evidence {
        public Wiped {
            files = List.copyOf(files);
        }

        @Override
        public String type() {
            return "wiped";
        }
    }

    /**
     * A camera presented an id the dock knows under another USB model or serial: an impostor, or a
     * camera re-flashed with another's id. Its volume is not read and nothing is wiped.
     */
    record CameraIdentityMismatch(String cameraId, String knownUsbSerial, String knownModel, String usbSerial, String model)
            implements Evidence {
        @Override
        public String type() {
            return "camera-identity-mismatch";
        }
    }

    record WipeRefused(int bay, String cameraId, String path, String reason) implements Evidence {
        @Override
        public String type() {
            return "wipe-refused";
        }
    }

    /**
     * A device on a bay's port that is not only USB mass storage (HID, CDC, wireless...: a "BadUSB
     * camera"): never mounted, and de-authorised unless {@code deauthorized} says it could not be.
     *
     * @param interfaceClasses the bInterfaceClass values it offered, two hex digits each ("03" HID)
     */
    record BayPortLockdown(int bay, String port, String model, String usbSerial, List<String> interfaceClasses,
                           boolean deauthorized, String detail) implements Evidence {
        public BayPortLockdown {
            interfaceClasses = List.copyOf(interfaceClasses);
        }

        @Override
        public String type() {
            return "bay-port-lockdown";
        }
    }

    // ---- operational -------------------------------------------------------------------------

    /** An ingest waits for spool space; nothing is lost, the file is read when there is room. */
    record SpoolFull(int bay, String cameraId, String path) implements Operational {
        @Override
        public String type() {
            return "spool-full";
        }
    }

    /** A stage of a bay failed; the bay shows "error", the other bays go on. */
    record BayError(int bay, String stage, String error) implements Operational {
        @Override
        public String type() {
            return "bay-error";
        }
    }

    record DeviceIgnored(String port, String model, String usbSerial, String reason) implements Operational {
        @Override
        public String type() {
            return "device-ignored";
        }
    }

    record CommandRejected(String command, String reason) implements Operational {
        @Override
        public String type() {
            return "command-rejected";
        }
    }

    /** @param badgeFingerprint the first 8 bytes of the UID's SHA-256: a UID is a credential and never published */
    record BadgeUnknown(String badgeFingerprint, Instant at) implements Operational {
        @Override
        public String type() {
            return "badge-unknown";
        }
    }

    record BadgeNoCamera(String officerId, int minimumBatteryPercent, Instant at) implements Operational {
        @Override
        public String type() {
            return "badge-no-camera";
        }
    }

    /** @param gauge where the chip sits, e.g. "i2c-1@0x36" */
    record BatteryGaugeFailed(int bay, String gauge, Instant at, String error) implements Operational {
        @Override
        public String type() {
            return "battery-gauge-failed";
        }
    }

    record BatteryGaugeRecovered(int bay, String gauge, Instant at) implements Operational {
        @Override
        public String type() {
            return "battery-gauge-recovered";
        }
    }
}
