package org.bwcdock.agent.usb;

import java.util.List;

/**
 * The USB device on one port as sysfs shows it (/sys/bus/usb/devices/PORT), whatever it is: what
 * the bay-port lockdown decides by. Read-only; nothing here has been validated beyond its shape.
 *
 * @param vendorProduct "vendor:product", lower-case hex, or "unknown"
 * @param serial the descriptor's serial, "" when the device has none (keyboards often have none)
 * @param devnum the kernel's device number on its bus: new at every enumeration, so it tells a re-plug
 * @param authorized the device's {@code authorized} attribute is 1
 * @param interfaceClasses bInterfaceClass of each interface of the active configuration, two hex digits
 *                         ("08" mass storage, "03" HID, "02"/"0a" CDC, "e0" wireless...), sorted, each once;
 *                         empty for a de-authorised device (the kernel removes its interfaces)
 */
record PortDevice(String port, String vendorProduct, String serial, String devnum, boolean authorized,
                  List<String> interfaceClasses) {
    static final String MASS_STORAGE = "08";

    PortDevice {
        interfaceClasses = List.copyOf(interfaceClasses);
    }

    /** An interface of another class than mass storage: a keyboard, a network adapter, a serial port... */
    boolean foreign() {
        return interfaceClasses.stream().anyMatch(c -> !c.equals(MASS_STORAGE));
    }

    /** The same enumeration of the same device: a re-plug (or a USB reset) is a new appearance. */
    String appearance() {
        return vendorProduct + "/" + serial + "/" + devnum;
    }
}
