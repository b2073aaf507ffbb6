package org.bwcdock.agent.usb;

/** Notices cameras docking and leaving. */
public interface CameraWatcher extends AutoCloseable {
    void start();

    /** Re-reads everything now (the "rescan" command). */
    void rescan();

    @Override
    void close();

    static CameraWatcher sysfs(UsbSettings settings, CameraListener listener) {
        return new SysfsCameraWatcher(settings, listener);
    }
}
