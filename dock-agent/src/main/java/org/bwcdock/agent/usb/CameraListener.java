package org.bwcdock.agent.usb;

/** What the watcher reports, on its own thread, after debouncing. */
public interface CameraListener {
    /** A camera of a known model sits in a mapped bay. */
    void docked(int bay, UsbDevice device, String profile);

    /** The camera left the bay (or stayed away longer than the debounce). */
    void undocked(int bay, UsbDevice device);

    /** A device the dock will not touch: unmapped port or unknown model. Reported once per appearance. */
    void ignored(UsbDevice device, String reason);

    /** A device that is not (only) mass storage sits on a bay's port: it is never docked. Once per appearance. */
    void portLocked(int bay, LockedDevice device);

    /** That device left the port (a re-plug is a new appearance, reported again). */
    void portCleared(int bay, LockedDevice device);
}
