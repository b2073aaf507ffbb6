package org.bwcdock.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still where the test sets it, in UTC: the time of day a test needs, whatever the hour. */
public final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;

    public SettableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** At {@code time} on an arbitrary fixed day, UTC. */
    public static SettableClock at(LocalTime time) {
        return new SettableClock(day(time));
    }

    /** Moves the clock to {@code time} on the same fixed day, for every reader from now on. */
    public void set(LocalTime time) {
        now.set(day(time));
    }

    private static Instant day(LocalTime time) {
        return LocalDate.of(2026, 12, 4).atTime(time).toInstant(ZoneOffset.UTC);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock stays in UTC");
    }
}
