package org.bwcdock.receiver;

import java.time.Duration;

/**
 * The receiver's deadlines and per-dock limits, validated once, when built: a bad value fails the
 * start with a message naming the key (the {@code bwcdock-receiver} option of the same name).
 *
 * @param headerDeadline from TCP connect until the first request's headers are complete (TLS
 *                       handshake included): a connection that is not that far by then is closed
 * @param idleTimeout    the longest silence on a connection: mid-body, or between requests
 * @param minBodyRate    bytes a second a request body must keep up, on average (a client trickling
 *                       one byte a second is cut off with 408)
 * @param maxOpenUploadsPerDock uploads a dock may hold open (created, not yet committed or deleted)
 * @param maxBytesInFlightPerDock the sum of the declared lengths of a dock's open uploads: the
 *                       disk the receiver has promised it
 * @param uploadExpiry   how long an upload lives after it was created
 * @param sweepInterval  how often expired uploads are removed, touched or not
 * @param threads        request threads (blocking handlers); stalled connections hold none
 */
public record ReceiverLimits(Duration headerDeadline, Duration idleTimeout, long minBodyRate, int maxOpenUploadsPerDock,
                             long maxBytesInFlightPerDock, Duration uploadExpiry, Duration sweepInterval, int threads) {
    public static final ReceiverLimits DEFAULTS = new ReceiverLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 1024, 1000,
            256L << 30, Duration.ofDays(7), Duration.ofMinutes(5), 32);

    public ReceiverLimits {
        positive("header-deadline", headerDeadline);
        positive("idle-timeout", idleTimeout);
        positive("upload-expiry", uploadExpiry);
        positive("sweep-interval", sweepInterval);
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("min-body-rate: " + minBodyRate + " is negative (bytes a second; 0 turns the check off)");
        }
        if (maxOpenUploadsPerDock < 1) {
            throw new IllegalArgumentException("max-open-uploads-per-dock: " + maxOpenUploadsPerDock + " is not at least 1");
        }
        if (maxBytesInFlightPerDock < 1) {
            throw new IllegalArgumentException("max-bytes-in-flight-per-dock: " + maxBytesInFlightPerDock + " is not at least 1");
        }
        if (threads < 8 || threads > 1000) {
            throw new IllegalArgumentException("threads: " + threads + " is outside 8..1000");
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null) {
            throw new IllegalArgumentException(key + ": missing");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + ": " + d + " is not a positive duration");
        }
        if (d.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException(key + ": " + d + " is longer than ten years");
        }
    }

    public ReceiverLimits withHeaderDeadline(Duration d) {
        return new ReceiverLimits(d, idleTimeout, minBodyRate, maxOpenUploadsPerDock, maxBytesInFlightPerDock, uploadExpiry, sweepInterval, threads);
    }

    public ReceiverLimits withIdleTimeout(Duration d) {
        return new ReceiverLimits(headerDeadline, d, minBodyRate, maxOpenUploadsPerDock, maxBytesInFlightPerDock, uploadExpiry, sweepInterval, threads);
    }

    public ReceiverLimits withMinBodyRate(long r) {
        return new ReceiverLimits(headerDeadline, idleTimeout, r, maxOpenUploadsPerDock, maxBytesInFlightPerDock, uploadExpiry, sweepInterval, threads);
    }

    public ReceiverLimits withPerDock(int openUploads, long bytesInFlight) {
        return new ReceiverLimits(headerDeadline, idleTimeout, minBodyRate, openUploads, bytesInFlight, uploadExpiry, sweepInterval, threads);
    }

    public ReceiverLimits withExpiry(Duration expiry, Duration sweep) {
        return new ReceiverLimits(headerDeadline, idleTimeout, minBodyRate, maxOpenUploadsPerDock, maxBytesInFlightPerDock, expiry, sweep, threads);
    }
}
