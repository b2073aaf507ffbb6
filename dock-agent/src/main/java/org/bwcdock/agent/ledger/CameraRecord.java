package org.bwcdock.agent.ledger;

import java.util.Objects;

/** A camera the dock has seen. {@code cameraId} is the id from its profile (USB serial or device-info file). */
public record CameraRecord(String cameraId, String usbVendorProduct, String usbSerial, boolean legalHold) {
    public CameraRecord {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(usbVendorProduct, "usbVendorProduct");
    }
}
