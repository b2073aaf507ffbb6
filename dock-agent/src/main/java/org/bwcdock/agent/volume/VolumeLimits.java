package org.bwcdock.agent.volume;

import java.time.Duration;
import java.util.List;

/**
 * How far the dock trusts a camera's filesystem.
 *
 * @param footage globs relative to the volume root ({@code DCIM/**}{@code /*.MP4})
 * @param stableInterval a file is taken only if size and mtime hold this long
 * @param readTimeout a read making no progress for this long fails
 */
public record VolumeLimits(List<String> footage, long maxFileSize, int maxDepth, int maxFiles, int maxNameBytes,
                           Duration stableInterval, Duration readTimeout) {
    public VolumeLimits {
        footage = List.copyOf(footage);
    }

    public static VolumeLimits defaults(List<String> footage, long maxFileSize, Duration stableInterval, Duration readTimeout) {
        return new VolumeLimits(footage, maxFileSize, 16, 10_000, 255, stableInterval, readTimeout);
    }
}
