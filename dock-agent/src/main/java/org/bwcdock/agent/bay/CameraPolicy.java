package org.bwcdock.agent.bay;

import org.bwcdock.agent.volume.VolumeLimits;

import java.util.Optional;

/**
 * What the composition root tells a bay about one camera model.
 *
 * @param deviceInfoFile read for the camera id (and battery, officer) when present
 * @param idFromDeviceInfo true: the camera id is the info file's "id"; false: the USB serial
 */
public record CameraPolicy(String profile, VolumeLimits limits, Optional<String> deviceInfoFile, boolean idFromDeviceInfo) {
}
