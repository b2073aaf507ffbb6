package org.bwcdock.agent.usb;

import java.nio.file.Path;

/**
 * A USB mass-storage block device as sysfs describes it. Nothing here comes from the camera's
 * filesystem; the serial is the USB descriptor's (still camera-supplied: never used unchecked in a path).
 *
 * @param blockName kernel name, e.g. "sdb1"
 * @param devNode e.g. /dev/sdb1
 * @param vendorProduct "vendor:product", lower-case hex
 * @param port USB port path, e.g. "1-1.2"
 */
public record UsbDevice(String blockName, Path devNode, String vendorProduct, String serial, String port) {
}
