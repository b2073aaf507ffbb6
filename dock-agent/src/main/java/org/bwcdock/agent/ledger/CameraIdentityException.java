package org.bwcdock.agent.ledger;

/**
 * A camera presented an id the dock already knows under another USB identity. The camera id comes
 * from a file on the (untrusted) camera; the USB serial and model the dock saw first are what the
 * id is bound to. An impostor must never inherit another camera's held or receipted files.
 */
public final class CameraIdentityException extends LedgerException {
    private final CameraRecord known;
    private final CameraRecord presented;

    public CameraIdentityException(CameraRecord known, CameraRecord presented) {
        super("camera id " + presented.cameraId() + " is bound to USB " + known.usbVendorProduct() + " serial "
                + known.usbSerial() + ", but this camera is USB " + presented.usbVendorProduct() + " serial " + presented.usbSerial());
        this.known = known;
        this.presented = presented;
    }

    public CameraRecord known() {
        return known;
    }

    public CameraRecord presented() {
        return presented;
    }
}
