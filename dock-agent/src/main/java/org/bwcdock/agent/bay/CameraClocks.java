package org.bwcdock.agent.bay;

import org.bwcdock.agent.volume.FootageFile;
import org.bwcdock.format.Manifest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Measures a docked camera's clock against the dock's (docs/manifest.md, "Clock evidence"). Nothing
 * the camera says is trusted beyond a number: a malformed clock value measures nothing.
 */
final class CameraClocks {
    /** FAT keeps modification times to 2 s; a file that new is not yet evidence of a fast clock. */
    static final long FILE_TIME_GRANULARITY_MILLIS = 2_000;
    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]{9,11}");
    /** ISO 8601 basic format, UTC: the info file admits letters and digits, not ':' or '+'. */
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'");

    private CameraClocks() {
    }

    /**
     * @param info the camera's info file as read (its {@code clock} key: seconds since 1970 UTC, or
     *             {@code 20261204T193000Z}), read at {@code infoReadAt}
     * @param dockedAt the dock's time when the camera docked (footage times are compared with it)
     */
    static Manifest.CameraClock measure(CameraPolicy policy, Map<String, String> info, Instant infoReadAt,
                                        List<FootageFile> footage, Instant dockedAt) {
        long limit = policy.clockSkewLimit().toMillis();
        return switch (policy.clock()) {
            case NONE -> Manifest.CameraClock.unmeasured(limit);
            case DEVICE_INFO -> parse(info.get("clock"))
                    .map(t -> exact("device-info", t.toEpochMilli() - infoReadAt.toEpochMilli(), limit))
                    .orElseGet(() -> Manifest.CameraClock.unmeasured(limit));
            case FILE_TIMES -> footage.stream().mapToLong(FootageFile::mtimeMillis).max()
                    .stream().mapToObj(newest -> atLeast(newest - dockedAt.toEpochMilli(), limit)).findFirst()
                    .orElseGet(() -> Manifest.CameraClock.unmeasured(limit));
        };
    }

    private static Manifest.CameraClock exact(String source, long offset, long limit) {
        return new Manifest.CameraClock(source, offset, false, limit, Math.abs(offset) > limit);
    }

    /** The newest file was written at or before the camera's time of docking: the camera is at least this far ahead. */
    private static Manifest.CameraClock atLeast(long offset, long limit) {
        return new Manifest.CameraClock("file-times", offset, true, limit, offset - FILE_TIME_GRANULARITY_MILLIS > limit);
    }

    static Optional<Instant> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        if (EPOCH_SECONDS.matcher(value).matches()) {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
        }
        try {
            return Optional.of(LocalDateTime.parse(value, BASIC).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
