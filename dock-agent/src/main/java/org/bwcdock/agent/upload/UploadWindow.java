package org.bwcdock.agent.upload;

import java.time.LocalTime;

/**
 * A daily span of the dock's local time with its own upload rate, e.g. 07:00–19:00 at 5 MB/s while
 * the station's link is busy; {@code bytesPerSecond} 0 closes uploads for the span. {@code to}
 * before {@code from} spans midnight; {@code from} itself is in the window, {@code to} is not.
 */
public record UploadWindow(LocalTime from, LocalTime to, long bytesPerSecond) {
    public UploadWindow {
        if (from.equals(to)) {
            throw new IllegalArgumentException("an upload window from " + from + " to " + to + " is empty");
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("an upload window's rate cannot be negative: " + bytesPerSecond);
        }
    }

    public boolean contains(LocalTime t) {
        return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }

    /** Whether the two share any minute of the day. */
    public boolean overlaps(UploadWindow o) {
        return contains(o.from) || o.contains(from);
    }

    @Override
    public String toString() {
        return from + "–" + to + (bytesPerSecond == 0 ? " closed" : " at " + bytesPerSecond + " B/s");
    }
}
