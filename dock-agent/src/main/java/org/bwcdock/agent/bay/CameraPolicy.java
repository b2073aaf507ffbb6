package org.bwcdock.agent.bay;

import org.bwcdock.agent.config.AgentConfig.CameraClockSource;
import org.bwcdock.agent.volume.VolumeLimits;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the composition root tells a bay about one camera model.
 *
 * @param deviceInfoFile read for the camera id (and battery, officer, clock) when present
 * @param idFromDeviceInfo true: the camera id is the info file's "id"; false: the USB serial
 * @param clock how the camera's clock is measured at docking
 * @param clockSkewLimit beyond this the manifest and an event flag the camera's clock
 */
public record CameraPolicy(String profile, VolumeLimits limits, Optional<String> deviceInfoFile, boolean idFromDeviceInfo,
                           CameraClockSource clock, Duration clockSkewLimit) {
    public CameraPolicy {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(clockSkewLimit, "clockSkewLimit");
    }
}
