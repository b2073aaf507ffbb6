package org.bwcdock.agent.usb;

import java.util.List;

/**
 * A device on a bay port that is not (only) mass storage: never mounted, and de-authorised
 * (sysfs {@code authorized=0}) by the udev rule 71-bwcdock-bay-lockdown.rules or by the agent.
 *
 * @param vendorProduct "vendor:product", lower-case hex
 * @param serial the USB serial, "" when the device has none
 * @param interfaceClasses what the device offered (two hex digits each); empty when it was de-authorised
 *                         before the agent saw it
 * @param deauthorized the device's {@code authorized} attribute reads 0: it has no working interface left
 * @param detail who de-authorised it, or why it could not be
 */
public record LockedDevice(String port, String vendorProduct, String serial, List<String> interfaceClasses,
                           boolean deauthorized, String detail) {
    public LockedDevice {
        interfaceClasses = List.copyOf(interfaceClasses);
    }
}
