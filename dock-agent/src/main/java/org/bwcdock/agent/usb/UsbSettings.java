package org.bwcdock.agent.usb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * @param portToBay USB port path → bay number
 * @param modelToProfile "vendor:product" → camera profile name
 */
public record UsbSettings(Path sysRoot, Path devRoot, Duration rescanInterval, Duration debounce,
                          Map<String, Integer> portToBay, Map<String, String> modelToProfile) {
    public UsbSettings {
        portToBay = Map.copyOf(portToBay);
        modelToProfile = Map.copyOf(modelToProfile);
    }
}
